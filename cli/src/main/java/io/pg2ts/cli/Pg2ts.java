package io.pg2ts.cli;

import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code pg2ts} command.
 */
@Command(name = "pg2ts", mixinStandardHelpOptions = true, versionProvider = Pg2ts.Version.class,
        description = {"Live migration from PostgreSQL to TimescaleDB over Kafka Connect.",
            "A migration, step by step: schema (copy the schema, hypertables), deploy (validate and create the "
                + "connectors), status (watch the snapshot and the lag), schema --finish (deferred indexes), verify "
                + "(compare any time), cutover (after the application stops writing: drain, sequences, verify), "
                + "cleanup (connectors, slot, publication). migrate runs schema, deploy and status on one machine; "
                + "demo shows it all with throwaway databases.",
            "Databases are given as JDBC URLs (jdbc:postgresql://host:port/database?user=...); passwords come from "
                + "the URL or PGPASSWORD and are never printed. Exit status: 0 success, 1 a difference or a step "
                + "that did not finish, 2 a usage or setup error."},
        subcommands = {SchemaCommand.class, DeployCommand.class, StatusCommand.class, VerifyCommand.class,
            CutoverCommand.class, CleanupCommand.class, MigrateCommand.class, DemoCommand.class,
            CommandLine.HelpCommand.class})
public final class Pg2ts {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * The command line as {@code main} runs it: an error a command throws is printed as one line
     * naming the command (the message says what to change; the stack trace goes to the log file,
     * {@code pg2ts.log}), with exit status 2.
     */
    public static CommandLine commandLine() {
        CommandLine pg2ts = new CommandLine(new Pg2ts());
        // Every step answers --version as pg2ts does.
        pg2ts.getSubcommands().values().forEach(step -> step.getCommandSpec().versionProvider(new Version()));
        return pg2ts.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            String message = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
            commandLine.getErr().println("pg2ts " + commandLine.getCommandName() + ": " + message);
            LoggerFactory.getLogger(Pg2ts.class).warn("pg2ts {} failed", commandLine.getCommandName(), e);
            return 2;
        });
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Pg2ts.class.getPackage().getImplementationVersion();
            return new String[] {"pg2ts " + (version == null ? "(development build)" : version)};
        }
    }
}
