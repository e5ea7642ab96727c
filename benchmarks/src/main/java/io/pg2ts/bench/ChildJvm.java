package io.pg2ts.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A {@link KafkaNode} in a JVM of its own, on this JVM's class path. Its output goes to
 * {@code <name>.out} and its log to {@code <name>.log} in the work directory.
 */
final class ChildJvm implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Path output;
    private final String address;

    private ChildJvm(String name, Process process, Path output, String address) {
        this.name = name;
        this.process = process;
        this.output = output;
        this.address = address;
    }

    /** Starts the node and waits until it prints the address it serves on. */
    static ChildJvm start(String name, List<String> jvmOptions, List<String> args, Path workDir, Duration timeout)
            throws IOException, InterruptedException {
        Files.createDirectories(workDir);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-Djava.io.tmpdir=" + workDir.toAbsolutePath());
        command.add("-Dlog4j.configuration=bench-log4j.properties");
        command.add("-Dbench.log=" + workDir.resolve(name + ".log").toAbsolutePath());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(KafkaNode.class.getName());
        command.addAll(args);
        Path output = workDir.resolve(name + ".out");
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            for (String line : Files.readAllLines(output)) {
                if (line.startsWith(KafkaNode.READY)) {
                    return new ChildJvm(name, process, output, line.substring(KafkaNode.READY.length()).strip());
                }
            }
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " JVM exited with code " + process.exitValue() + " before it served; see "
                        + output);
            }
            Thread.sleep(200);
        }
        process.destroyForcibly();
        throw new IllegalStateException(name + " JVM did not serve within " + timeout.toSeconds() + " s; see " + output);
    }

    /** What the node printed after {@code READY}: bootstrap servers or REST URL. */
    String address() {
        return address;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Why the JVM is gone, for a message: its exit code and where its output is. */
    String exitReason() {
        int code = process.exitValue();
        String why = code == 3 ? " (out of heap: -XX:+ExitOnOutOfMemoryError)" : "";
        return name + " JVM exited with code " + code + why + "; see " + output;
    }

    /** CPU time the JVM has used so far, all threads, as the OS accounts it. */
    Optional<Duration> cpu() {
        return process.toHandle().info().totalCpuDuration();
    }

    /** Closes its standard input, which stops it in an orderly way; kills it if it does not stop. */
    @Override
    public void close() throws IOException, InterruptedException {
        if (process.isAlive()) {
            process.getOutputStream().close();
            if (!process.waitFor(90, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(15, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            }
        }
    }
}
