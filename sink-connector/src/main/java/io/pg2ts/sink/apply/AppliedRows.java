package io.pg2ts.sink.apply;

import io.pg2ts.common.TableId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Rows written per table and kind of statement, counted while a flush runs and reported once it commits. */
public final class AppliedRows {

    /** How rows were written. */
    public enum Kind {
        UPSERT, DELETE, INSERT, COPY;

        /** The name in metric tags. */
        public String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The rows of one table written one way. */
    public record Count(TableId table, Kind kind, long rows) {
    }

    private final Map<TableId, Map<Kind, Long>> counts = new LinkedHashMap<>();

    void add(TableId table, Kind kind, long rows) {
        if (rows > 0) {
            counts.computeIfAbsent(table, t -> new EnumMap<>(Kind.class)).merge(kind, rows, Long::sum);
        }
    }

    void addAll(AppliedRows other) {
        for (Count count : other.counts()) {
            add(count.table(), count.kind(), count.rows());
        }
    }

    public List<Count> counts() {
        List<Count> result = new ArrayList<>();
        counts.forEach((table, kinds) -> kinds.forEach((kind, rows) -> result.add(new Count(table, kind, rows))));
        return result;
    }

    /** How many tables were written. */
    public int tables() {
        return counts.size();
    }

    public long total() {
        long total = 0;
        for (Map<Kind, Long> kinds : counts.values()) {
            for (long rows : kinds.values()) {
                total += rows;
            }
        }
        return total;
    }
}
