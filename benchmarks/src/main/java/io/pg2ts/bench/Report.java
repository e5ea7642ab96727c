package io.pg2ts.bench;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * The benchmark's output: the machine and workload, one row per path with rows per second for
 * each phase, pg2ts's ratios to the other paths, then the details behind the figures. Markdown
 * tables, so the output pastes into the README as it is.
 */
final class Report {

    private static final String NONE = "—";
    /** The ratios reported, when both paths ran: mine, theirs, what makes them comparable. */
    private static final List<String[]> RATIOS = List.of(
            new String[] {"pg2ts", "debezium", " (pg2ts as recommended; Debezium with JSON with schemas)"},
            new String[] {"pg2ts", "debezium_avro", " (pg2ts as recommended; Debezium with Avro)"},
            new String[] {"pg2ts_json", "debezium", " (both JSON with schemas)"},
            new String[] {"pg2ts_avro", "debezium_avro", " (both Avro, Confluent wire format)"},
            new String[] {"pg2ts", "copy", ""},
            new String[] {"pg2ts", "native", ""});

    private final String machine;
    private final Workload workload;
    private final long bytesPerRow;
    private final List<PathResult> results;

    Report(String machine, Workload workload, long bytesPerRow, List<PathResult> results) {
        this.machine = machine;
        this.workload = workload;
        this.bytesPerRow = bytesPerRow;
        this.results = results;
    }

    String render() {
        StringBuilder out = new StringBuilder();
        out.append("pg2ts benchmark, ").append(ZonedDateTime.now(ZoneOffset.UTC)
                .format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"))).append('\n');
        out.append("machine: ").append(machine).append('\n');
        out.append(String.format(Locale.ROOT, "workload: table %s (bigint key, timestamptz, text, numeric(12,4), int, text, "
                        + "jsonb), %,d rows of %d B on disk; streaming phase %,d inserts, %,d updates and %,d deletes "
                        + "in transactions of %,d rows%n", Workload.TABLE, workload.rows(), bytesPerRow, workload.inserts(),
                workload.updates(), workload.deletes(), workload.transactionRows()));
        out.append("each figure: rows (or changes) / seconds from the start of the phase until the target's count and "
                + "checksum equal the source's\n\n");

        out.append("| path | snapshot rows/s | streaming apply rows/s |\n|---|---:|---:|\n");
        for (PathResult r : results) {
            out.append("| ").append(r.label()).append(" | ").append(rate(r, PathResult::snapshot, true))
                    .append(" | ").append(rate(r, PathResult::streaming, !r.name().equals("copy"))).append(" |\n");
        }

        StringBuilder ratios = new StringBuilder();
        for (String[] pair : RATIOS) {
            Optional<PathResult> mine = find(pair[0]);
            Optional<PathResult> theirs = find(pair[1]);
            if (mine.isPresent() && theirs.isPresent()) {
                ratios.append("| ").append(pair[0]).append(" ÷ ").append(pair[1]).append(pair[2]).append(" | ")
                        .append(ratio(mine.get(), theirs.get(), PathResult::snapshot)).append(" | ")
                        .append(ratio(mine.get(), theirs.get(), PathResult::streaming)).append(" |\n");
            }
        }
        if (!ratios.isEmpty()) {
            out.append("\n| ratio | snapshot | streaming |\n|---|---:|---:|\n").append(ratios);
        }

        out.append("\n| path | snapshot s | streaming s | into Kafka rows/s (snapshot, streaming) "
                + "| worker CPU µs/row (snapshot, streaming) | worker heap max after GC / peak (limit) |\n"
                + "|---|---:|---:|---|---|---|\n");
        for (PathResult r : results) {
            out.append("| ").append(r.name())
                    .append(" | ").append(r.snapshot().map(p -> seconds(p.elapsed())).orElse(NONE))
                    .append(" | ").append(r.streaming().map(p -> seconds(p.elapsed())).orElse(NONE))
                    .append(" | ").append(pair(r, p -> p.sourceRowsPerSecond().map(Report::significant)))
                    .append(" | ").append(pair(r, p -> p.workerCpuMicrosPerRow().map(v -> String.format(Locale.ROOT, "%.0f", v))))
                    .append(" | ").append(r.heap().map(h -> mebibytes(h.maxAfterGcBytes()) + " / "
                            + mebibytes(h.peakBytes()) + " (" + h.limit() + ")").orElse(NONE))
                    .append(" |\n");
        }
        List<PathResult> backlogs = results.stream().filter(r -> r.backlog().isPresent()).toList();
        if (!backlogs.isEmpty()) {
            out.append("\nthe sink alone, from a backlog: every event of both phases already in Kafka, a new sink in a "
                    + "fresh worker (same heap bound) applying them into an empty target\n\n"
                    + "| path | events | s | events/s | worker CPU µs/event | worker heap max after GC / peak (limit) |\n"
                    + "|---|---:|---:|---:|---:|---|\n");
            for (PathResult r : backlogs) {
                PathResult.Phase p = r.backlog().orElseThrow();
                out.append("| ").append(r.name())
                        .append(" | ").append(String.format(Locale.ROOT, "%,d", p.rows()))
                        .append(" | ").append(seconds(p.elapsed()))
                        .append(" | ").append(significant(p.rowsPerSecond()))
                        .append(" | ").append(p.workerCpuMicrosPerRow().map(v -> String.format(Locale.ROOT, "%.0f", v))
                                .orElse(NONE))
                        .append(" | ").append(r.backlogHeap().map(h -> mebibytes(h.maxAfterGcBytes()) + " / "
                                + mebibytes(h.peakBytes()) + " (" + h.limit() + ")").orElse(NONE))
                        .append(" |\n");
            }
        }
        for (PathResult r : results) {
            r.notes().forEach(note -> out.append("- ").append(r.name()).append(": ").append(note).append('\n'));
            r.failure().ifPresent(reason -> out.append("- ").append(r.name()).append(": failed: ").append(reason).append('\n'));
        }
        return out.toString();
    }

    static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    /** Three significant digits, as the table: 406,000 and 12,900. */
    static String significant(double value) {
        if (value <= 0) {
            return "0";
        }
        double magnitude = Math.pow(10, Math.floor(Math.log10(value)) - 2);
        double rounded = Math.round(value / magnitude) * magnitude;
        return rounded >= 100 ? String.format(Locale.ROOT, "%,d", Math.round(rounded))
                : String.format(Locale.ROOT, "%.3g", rounded);
    }

    private String rate(PathResult r, Function<PathResult, Optional<PathResult.Phase>> phase, boolean applies) {
        if (!applies) {
            return NONE;
        }
        return phase.apply(r).map(p -> significant(p.rowsPerSecond())).orElse(r.failure().isPresent() ? "failed" : NONE);
    }

    private static String ratio(PathResult pg2ts, PathResult other, Function<PathResult, Optional<PathResult.Phase>> phase) {
        Optional<PathResult.Phase> mine = phase.apply(pg2ts);
        Optional<PathResult.Phase> theirs = phase.apply(other);
        if (mine.isEmpty() || theirs.isEmpty()) {
            return NONE;
        }
        return String.format(Locale.ROOT, "%.2f×", mine.get().rowsPerSecond() / theirs.get().rowsPerSecond());
    }

    /** One figure of each phase, "snapshot, streaming", or a dash when neither phase has it. */
    private static String pair(PathResult r, Function<PathResult.Phase, Optional<String>> figure) {
        Optional<String> snapshot = r.snapshot().flatMap(figure);
        Optional<String> streaming = r.streaming().flatMap(figure);
        if (snapshot.isEmpty() && streaming.isEmpty()) {
            return NONE;
        }
        return snapshot.orElse(NONE) + ", " + streaming.orElse(NONE);
    }

    private static String mebibytes(long bytes) {
        return String.format(Locale.ROOT, "%d MiB", Math.round(bytes / 1024.0 / 1024.0));
    }

    private Optional<PathResult> find(String name) {
        return results.stream().filter(r -> r.name().equals(name)).findFirst();
    }
}
