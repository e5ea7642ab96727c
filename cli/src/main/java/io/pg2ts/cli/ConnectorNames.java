package io.pg2ts.cli;

import io.pg2ts.cli.migrate.MigrationRun;
import picocli.CommandLine.Option;

/** The names of the two connectors, for the commands that find them in Connect or on the target. */
final class ConnectorNames {

    @Option(names = "--source-connector", defaultValue = MigrationRun.SOURCE_CONNECTOR, paramLabel = "NAME",
            description = "Source connector's name in Connect (default: ${DEFAULT-VALUE}).")
    String source;

    @Option(names = "--sink-connector", defaultValue = MigrationRun.SINK_CONNECTOR, paramLabel = "NAME",
            description = "Sink connector's name in Connect, which keys its rows in the offsets and progress tables "
                    + "on the target (default: ${DEFAULT-VALUE}).")
    String sink;
}
