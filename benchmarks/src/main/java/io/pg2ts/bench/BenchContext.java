package io.pg2ts.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;

/** What every path gets: the servers, the workload and what the target must end up holding. */
record BenchContext(Servers servers, Workload workload, Servers.Expected expected, Path workDir, PrintStream progress,
        Duration snapshotTimeout, Duration streamingTimeout) {
}
