package io.pg2ts.cli.schema;

import io.pg2ts.cli.connect.PostgresEndpoint;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PostgreSQL client programs a schema copy runs ({@code pg_dump}, {@code pg_restore}), found in
 * one directory or on the PATH, checked to be at least as new as the source server. They get the
 * password through {@code PGPASSWORD} in their environment, never on their command line.
 */
public final class ClientTools {

    private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\) (\\d+)(?:\\.(\\d+))?");

    /** One program and its version. */
    public record Tool(Path path, int major, String version) {
    }

    private final Tool pgDump;
    private final Tool pgRestore;

    private ClientTools(Tool pgDump, Tool pgRestore) {
        this.pgDump = pgDump;
        this.pgRestore = pgRestore;
    }

    /**
     * Finds {@code pg_dump} and {@code pg_restore} of PostgreSQL {@code sourceMajor} or newer.
     *
     * @param bin the directory to take them from, or null for the PATH
     * @throws SchemaException naming what to install when one is missing or too old
     */
    public static ClientTools find(Path bin, int sourceMajor) throws SchemaException {
        Tool pgDump = tool("pg_dump", bin, sourceMajor);
        Tool pgRestore = tool("pg_restore", bin, sourceMajor);
        return new ClientTools(pgDump, pgRestore);
    }

    public Tool pgDump() {
        return pgDump;
    }

    public Tool pgRestore() {
        return pgRestore;
    }

    private static Tool tool(String name, Path bin, int sourceMajor) throws SchemaException {
        Path path = bin != null ? executable(bin.resolve(name)) : onPath(name);
        if (path == null) {
            throw new SchemaException(name + " was not found " + (bin != null ? "in --pg-bin " + bin : "on the PATH")
                    + ": " + whatToInstall(sourceMajor));
        }
        Result result = run(List.of(path.toString(), "--version"), null, null);
        Matcher m = VERSION.matcher(result.stdout());
        if (result.exitCode() != 0 || !m.find()) {
            throw new SchemaException(path + " --version did not answer with a PostgreSQL version (exit "
                    + result.exitCode() + ": " + (result.stdout() + result.stderr()).strip() + "): " + whatToInstall(sourceMajor));
        }
        int major = Integer.parseInt(m.group(1));
        String version = m.group(2) == null ? m.group(1) : m.group(1) + "." + m.group(2);
        if (major < sourceMajor) {
            throw new SchemaException(path + " is PostgreSQL " + version + ", older than the source server (PostgreSQL "
                    + sourceMajor + "), which " + name + " cannot read: " + whatToInstall(sourceMajor));
        }
        return new Tool(path, major, version);
    }

    static String whatToInstall(int major) {
        return "install the PostgreSQL " + major + " client tools (Debian/Ubuntu: apt-get install postgresql-client-"
                + major + " from apt.postgresql.org; RHEL/Fedora: dnf install postgresql" + major
                + "; macOS: brew install postgresql@" + major + ") or pass --pg-bin with the bin directory of PostgreSQL "
                + major + " or newer";
    }

    private static Path onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                Path found = executable(Path.of(dir, name));
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    private static Path executable(Path file) {
        return Files.isRegularFile(file) && Files.isExecutable(file) ? file : null;
    }

    /** What a program printed and how it ended. */
    record Result(int exitCode, String stdout, String stderr) {
    }

    /**
     * Runs a program to its end; its output goes through files, so neither stream can block it.
     *
     * @param password put into {@code PGPASSWORD} for the program alone (null or empty: none)
     * @param workDir where the output files go, or null for the temporary directory
     */
    static Result run(List<String> command, String password, Path workDir) throws SchemaException {
        Path stdout = null;
        Path stderr = null;
        try {
            stdout = workDir == null ? Files.createTempFile("pg2ts-", ".out") : Files.createTempFile(workDir, "tool-", ".out");
            stderr = workDir == null ? Files.createTempFile("pg2ts-", ".err") : Files.createTempFile(workDir, "tool-", ".err");
            ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
            builder.environment().remove("PGPASSWORD");
            if (password != null && !password.isEmpty()) {
                builder.environment().put("PGPASSWORD", password);
            }
            builder.environment().put("PGCONNECT_TIMEOUT", "30");
            Process process = builder.start();
            process.getOutputStream().close();
            if (!process.waitFor(6, TimeUnit.HOURS)) {
                process.destroyForcibly();
                throw new SchemaException(command.get(0) + " did not finish within 6 hours");
            }
            return new Result(process.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
                    Files.readString(stderr, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new SchemaException("could not run " + command.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaException("interrupted while " + command.get(0) + " ran", e);
        } finally {
            deleteQuietly(stdout);
            deleteQuietly(stderr);
        }
    }

    /**
     * A libpq connection string for the endpoint, with its {@code sslmode}, without the password (which travels in
     * {@code PGPASSWORD}), so a database name with spaces or an equals sign stays one value.
     */
    static String conninfo(PostgresEndpoint endpoint) {
        List<String> parts = new ArrayList<>();
        parts.add("host=" + conninfoValue(endpoint.host()));
        parts.add("port=" + endpoint.port());
        parts.add("dbname=" + conninfoValue(endpoint.database()));
        if (endpoint.user() != null && !endpoint.user().isEmpty()) {
            parts.add("user=" + conninfoValue(endpoint.user()));
        }
        // pgjdbc's parameters that mean the same to libpq.
        for (String name : List.of("sslmode", "sslrootcert")) {
            String value = endpoint.parameters().get(name);
            if (value != null) {
                parts.add(name + "=" + conninfoValue(value));
            }
        }
        parts.add("application_name=pg2ts-schema");
        return String.join(" ", parts);
    }

    private static String conninfoValue(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // A leftover temporary file is harmless.
            }
        }
    }
}
