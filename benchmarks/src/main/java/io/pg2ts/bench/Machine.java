package io.pg2ts.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.kafka.common.utils.AppInfoParser;

/** The machine the figures come from, as one line for the report. */
final class Machine {

    private Machine() {
    }

    static String describe(String postgresVersion) {
        return String.format(Locale.ROOT, "%d cores (%s), %s memory; %s %s; %s %s; PostgreSQL %s; Kafka %s",
                Runtime.getRuntime().availableProcessors(), cpuModel(), memory(),
                System.getProperty("os.name"), System.getProperty("os.version"),
                System.getProperty("java.vm.name"), System.getProperty("java.runtime.version"),
                postgresVersion, AppInfoParser.getVersion());
    }

    private static String cpuModel() {
        return procLine("/proc/cpuinfo", "model name").orElse("CPU model unknown");
    }

    private static String memory() {
        return procLine("/proc/meminfo", "MemTotal")
                .map(kb -> String.format(Locale.ROOT, "%.1f GiB", Long.parseLong(kb.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0))
                .orElse("unknown");
    }

    private static Optional<String> procLine(String file, String key) {
        try {
            List<String> lines = Files.readAllLines(Path.of(file));
            return lines.stream()
                    .filter(line -> line.startsWith(key))
                    .map(line -> line.substring(line.indexOf(':') + 1).strip())
                    .findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
