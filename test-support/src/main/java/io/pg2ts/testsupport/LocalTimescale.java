package io.pg2ts.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway TimescaleDB server for tests: {@code timescale/server.mjs} of this module under Node.js
 * (PGlite, PostgreSQL 17 compiled to WebAssembly, with TimescaleDB 2.23; the build installs its npm
 * packages). Hypertables, compression and DML on compressed chunks work. Its limits, which product
 * code must not be shaped around: one connection at a time (a second waits until the first closes),
 * all of them in turn in one PostgreSQL session, and no {@code COPY FROM STDIN}. The server rolls
 * back and discards what a client leaves in that session, however it leaves.
 */
public final class LocalTimescale implements AutoCloseable {

    public static final String USER = "postgres";
    public static final String PASSWORD = "postgres";

    /** Names the directory holding server.mjs and its node_modules; default {@code ../test-support/timescale}. */
    public static final String DIR_PROPERTY = "pg2ts.timescale.dir";

    private final Process process;
    private final int port;
    private final List<String> output;

    private LocalTimescale(Process process, int port, List<String> output) {
        this.process = process;
        this.port = port;
        this.output = output;
    }

    public static LocalTimescale start() {
        Path dir = Path.of(System.getProperty(DIR_PROPERTY, "../test-support/timescale")).toAbsolutePath().normalize();
        if (!Files.isDirectory(dir.resolve("node_modules"))) {
            throw new IllegalStateException("no npm packages in " + dir + ": build test-support with Maven (it runs "
                    + "npm ci there), or run npm ci --legacy-peer-deps in that directory");
        }
        int port = freePort();
        List<String> output = new ArrayList<>();
        Process process;
        try {
            process = new ProcessBuilder("node", "server.mjs", Integer.toString(port))
                    .directory(dir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start node (Node.js 18+ must be on the PATH) for the "
                    + "TimescaleDB test server", e);
        }
        CountDownLatch ready = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    synchronized (output) {
                        if (output.size() == 200) {
                            output.remove(0);
                        }
                        output.add(line);
                    }
                    if (line.startsWith("ready on")) {
                        ready.countDown();
                    }
                }
            } catch (IOException e) {
                // The process ended.
            }
        }, "timescale-test-server-output");
        reader.setDaemon(true);
        reader.start();
        LocalTimescale server = new LocalTimescale(process, port, output);
        try {
            if (!ready.await(120, TimeUnit.SECONDS)) {
                server.close();
                throw new IllegalStateException("the TimescaleDB test server did not start within 120 s: " + server.output());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.close();
            throw new IllegalStateException("interrupted while the TimescaleDB test server started", e);
        }
        return server;
    }

    public int port() {
        return port;
    }

    /**
     * The server's URL. Its connections share one PostgreSQL session, so named server-side
     * prepared statements of one connection would clash with the next's: {@code prepareThreshold=0}.
     */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?sslmode=disable&prepareThreshold=0";
    }

    /** A new connection; close it before another is needed, as the server serves one at a time. */
    public Connection connect() throws SQLException {
        if (!process.isAlive()) {
            throw new IllegalStateException("the TimescaleDB test server has exited (status " + process.exitValue()
                    + "); its output:\n" + output());
        }
        return DriverManager.getConnection(jdbcUrl(), USER, PASSWORD);
    }

    private String output() {
        synchronized (output) {
            return String.join("\n", output);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            process.getOutputStream().close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (IOException | InterruptedException e) {
            process.destroyForcibly();
        }
    }
}
