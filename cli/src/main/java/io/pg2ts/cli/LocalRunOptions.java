package io.pg2ts.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where a run finds the config examples and the built plugins. The launcher script sets
 * {@code pg2ts.home} to the checkout; both default below it.
 */
final class LocalRunOptions {

    @Option(names = "--examples", paramLabel = "DIR",
            description = "Directory with source.json, sink.json and connect-distributed.properties "
                    + "(default: config-examples/ of the pg2ts checkout).")
    Path examples;

    @Option(names = "--plugins", paramLabel = "DIR",
            description = "plugin.path for the embedded Connect worker, holding the unpacked plugins "
                    + "(default: cli/target/plugins of the pg2ts checkout, made by mvn package).")
    Path plugins;

    Path examples() {
        return existing(examples != null ? examples : home().resolve("config-examples"), "--examples");
    }

    Path plugins() {
        return existing(plugins != null ? plugins : home().resolve("cli/target/plugins"), "--plugins");
    }

    private static Path home() {
        return Path.of(System.getProperty("pg2ts.home", "."));
    }

    private static Path existing(Path dir, String option) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(dir.toAbsolutePath() + " does not exist: build pg2ts first "
                    + "(mvn -B package -DskipTests) or name the directory with " + option);
        }
        return dir;
    }
}
