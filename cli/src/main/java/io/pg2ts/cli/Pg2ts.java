package io.pg2ts.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code pg2ts} command.
 */
@Command(name = "pg2ts", mixinStandardHelpOptions = true, versionProvider = Pg2ts.Version.class,
        description = "Live migration from PostgreSQL to TimescaleDB over Kafka Connect.",
        subcommands = {DemoCommand.class, MigrateCommand.class, DeployCommand.class, StatusCommand.class,
            VerifyCommand.class, CutoverCommand.class,
            CleanupCommand.class, CommandLine.HelpCommand.class})
public final class Pg2ts {

    public static void main(String[] args) {
        System.exit(new CommandLine(new Pg2ts()).execute(args));
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Pg2ts.class.getPackage().getImplementationVersion();
            return new String[] {"pg2ts " + (version == null ? "(development build)" : version)};
        }
    }
}
