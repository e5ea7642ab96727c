package io.pg2ts.bench;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
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
    private final int runs;
    private final List<PathResult> results;

    /** {@code results}: every path's result of every run, {@code runs} rounds of the paths. */
    Report(String machine, Workload workload, long bytesPerRow, int runs, List<PathResult> results) {
        this.machine = machine;
        this.workload = workload;
        this.bytesPerRow = bytesPerRow;
        this.runs = runs;
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

        if (runs > 1) {
            out.append("each path ran ").append(runs).append(" times, the paths in turn; the first two tables give "
                    + "medians, and the ratios are of the medians, then of each run's pair\n\n");
        }
        out.append("| path | snapshot rows/s | streaming apply rows/s |\n|---|---:|---:|\n");
        for (String name : names()) {
            PathResult first = runsOf(name).get(0);
            out.append("| ").append(first.label()).append(" | ").append(rate(name, PathResult::snapshot, true))
                    .append(" | ").append(rate(name, PathResult::streaming, !name.equals("copy"))).append(" |\n");
        }

        StringBuilder ratios = new StringBuilder();
        for (String[] pair : RATIOS) {
            if (runsOf(pair[0]).isEmpty() || runsOf(pair[1]).isEmpty()) {
                continue;
            }
            ratios.append("| ").append(pair[0]).append(" ÷ ").append(pair[1]).append(pair[2]).append(" | ")
                    .append(ratio(pair[0], pair[1], PathResult::snapshot)).append(" | ")
                    .append(ratio(pair[0], pair[1], PathResult::streaming)).append(" |");
            if (runs > 1) {
                ratios.append(' ').append(ratiosPerRun(pair[0], pair[1], PathResult::snapshot)).append(" | ")
                        .append(ratiosPerRun(pair[0], pair[1], PathResult::streaming)).append(" |");
            }
            ratios.append('\n');
        }
        if (!ratios.isEmpty()) {
            out.append(runs > 1
                    ? "\n| ratio | snapshot | streaming | snapshot, each run | streaming, each run |\n|---|---:|---:|---|---|\n"
                    : "\n| ratio | snapshot | streaming |\n|---|---:|---:|\n").append(ratios);
        }

        out.append("\n| path | snapshot s | streaming s | into Kafka rows/s (snapshot, streaming) "
                + "| worker CPU µs/row (snapshot, streaming) | worker heap max after GC / peak (limit) |\n"
                + "|---|---:|---:|---|---|---|\n");
        for (PathResult r : results) {
            out.append("| ").append(runName(r))
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
                out.append("| ").append(runName(r))
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
            r.notes().forEach(note -> out.append("- ").append(runName(r)).append(": ").append(note).append('\n'));
            r.failure().ifPresent(reason -> out.append("- ").append(runName(r)).append(": failed: ").append(reason)
                    .append('\n'));
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

    /** The path's rows/s in a phase: its one run's, or the median of its runs that measured the phase. */
    private String rate(String name, Function<PathResult, Optional<PathResult.Phase>> phase, boolean applies) {
        if (!applies) {
            return NONE;
        }
        OptionalDouble median = median(name, phase);
        if (median.isPresent()) {
            long measured = runsOf(name).stream().filter(r -> phase.apply(r).isPresent()).count();
            return significant(median.getAsDouble()) + (runs > 1 && measured < runs ? " (" + measured + " of " + runs
                    + " runs)" : "");
        }
        return runsOf(name).stream().anyMatch(r -> r.failure().isPresent()) ? "failed" : NONE;
    }

    private String ratio(String mine, String theirs, Function<PathResult, Optional<PathResult.Phase>> phase) {
        OptionalDouble a = median(mine, phase);
        OptionalDouble b = median(theirs, phase);
        if (a.isEmpty() || b.isEmpty()) {
            return NONE;
        }
        return String.format(Locale.ROOT, "%.2f×", a.getAsDouble() / b.getAsDouble());
    }

    /** The ratio of each run's pair of figures, in run order: "6.45×, 6.05×, —". */
    private String ratiosPerRun(String mine, String theirs, Function<PathResult, Optional<PathResult.Phase>> phase) {
        StringBuilder out = new StringBuilder();
        for (int round = 1; round <= runs; round++) {
            Optional<PathResult.Phase> a = inRound(mine, round).flatMap(phase);
            Optional<PathResult.Phase> b = inRound(theirs, round).flatMap(phase);
            out.append(out.isEmpty() ? "" : ", ").append(a.isPresent() && b.isPresent()
                    ? String.format(Locale.ROOT, "%.2f×", a.get().rowsPerSecond() / b.get().rowsPerSecond()) : NONE);
        }
        return out.toString();
    }

    /** The median rows/s of a path's runs that measured the phase: the middle one, or the mean of the middle two. */
    private OptionalDouble median(String name, Function<PathResult, Optional<PathResult.Phase>> phase) {
        double[] rates = runsOf(name).stream().map(phase).flatMap(Optional::stream)
                .mapToDouble(PathResult.Phase::rowsPerSecond).sorted().toArray();
        if (rates.length == 0) {
            return OptionalDouble.empty();
        }
        int middle = rates.length / 2;
        return OptionalDouble.of(rates.length % 2 == 1 ? rates[middle] : (rates[middle - 1] + rates[middle]) / 2);
    }

    private List<String> names() {
        return results.stream().map(PathResult::name).distinct().toList();
    }

    private List<PathResult> runsOf(String name) {
        return results.stream().filter(r -> r.name().equals(name)).toList();
    }

    private Optional<PathResult> inRound(String name, int round) {
        return results.stream().filter(r -> r.name().equals(name) && r.round() == round).findFirst();
    }

    private String runName(PathResult r) {
        return runs > 1 ? r.name() + " (run " + r.round() + ")" : r.name();
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
}
