package io.pg2ts.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.pg2ts.cli.connect.ConnectRestClient;
import io.pg2ts.cli.connect.ConnectRestClient.ConnectRestException;
import io.pg2ts.cli.connect.ConnectorConfigs;
import io.pg2ts.cli.deploy.ConfigErrors;
import io.pg2ts.cli.deploy.ConnectorFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "deploy", mixinStandardHelpOptions = true,
        description = {"Validates connector configs with the Connect cluster at --connect, then creates or updates "
                + "the connectors and waits until each runs.",
            "Each FILE is either Connect REST's {\"name\": ..., \"config\": {...}} or a flat object of options "
                + "like config-examples/source.json. The connector's name is --name, else \"name\" in the file, "
                + "else the file name without .json. Numbers and booleans become strings.",
            "Every file is validated first (PUT /connector-plugins/<class>/config/validate, which runs the "
                + "connector's own checks, such as connecting to the database); every error is printed as "
                + "FILE: option: message, and if there is any, nothing is deployed. Option values are not printed, and secrets quoted in Connect's messages are masked. "
                + "Then each connector is PUT to /connectors/<name>/config, reported as created or updated; a "
                + "connector that was paused or stopped keeps that state.",
            "The config examples point their converters at the brokers kafka:9092 (docker-compose.yml); "
                + "--kafka replaces every *.converter.bootstrap.servers; without it they stay as the files say, "
                + "with a note.",
            "Exit status 0 when every connector runs (with --dry-run: every file is valid), 1 on an invalid "
                + "file or a connector that does not run, 2 on wrong arguments or when Connect cannot be reached."})
final class DeployCommand implements Callable<Integer> {

    private static final String EXAMPLES_KAFKA = "kafka:9092";

    @Spec
    CommandSpec spec;

    @Option(names = "--connect", required = true, paramLabel = "URL",
            description = "REST URL of the Kafka Connect cluster, e.g. http://localhost:8083.")
    URI connect;

    @Option(names = "--kafka", paramLabel = "HOST:PORT[,...]",
            description = "The Kafka brokers of that cluster, put into every *.converter.bootstrap.servers "
                    + "(the pg2ts converter keeps its schemas in Kafka). Default: as the files say.")
    String kafka;

    @Option(names = "--name", paramLabel = "NAME", description = "Name of the connector, with exactly one FILE.")
    String name;

    @Option(names = "--dry-run", description = "Validate only; create and change nothing.")
    boolean dryRun;

    @Option(names = "--timeout", defaultValue = "PT2M", paramLabel = "DURATION",
            description = "How long to wait for each connector to run, ISO-8601 (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Connector config files (JSON).")
    List<Path> files;

    private PrintWriter out;
    private final List<Path> filesWithExampleKafka = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        if (name != null && files.size() > 1) {
            throw new ParameterException(spec.commandLine(),
                    "--name names one connector, but " + files.size() + " files were given: drop --name, and the "
                            + "names come from the files");
        }
        out = spec.commandLine().getOut();
        ConnectRestClient rest = new ConnectRestClient(connect);
        try {
            return deploy(rest);
        } catch (ConnectException e) {
            spec.commandLine().getErr().println(e.getMessage());
            return 2;
        } finally {
            out.flush();
        }
    }

    private int deploy(ConnectRestClient rest) throws IOException, InterruptedException {
        List<ConnectorFile> valid = new ArrayList<>();
        int errors = 0;
        Map<String, Path> fileOfName = new LinkedHashMap<>();
        for (Path file : files) {
            List<String> problems = new ArrayList<>();
            ConnectorFile connector = read(file, problems);
            if (connector != null && fileOfName.containsKey(connector.name())) {
                problems.add("name: connector " + connector.name() + " is also deployed from "
                        + fileOfName.get(connector.name()) + ": give each connector its own name");
            }
            if (connector != null && problems.isEmpty()) {
                fileOfName.put(connector.name(), file);
                problems.addAll(validate(rest, connector));
            }
            problems.forEach(problem -> out.println(file + ": " + problem));
            errors += problems.size();
            if (problems.isEmpty()) {
                valid.add(connector);
                out.println(file + ": valid (connector " + connector.name() + ", " + connector.connectorClass() + ")");
            }
        }
        if (!filesWithExampleKafka.isEmpty()) {
            spec.commandLine().getErr().println("note: the converters of " + filesWithExampleKafka.stream()
                    .map(Path::toString).collect(Collectors.joining(", ")) + " keep their schemas in the brokers "
                    + EXAMPLES_KAFKA + " of docker-compose.yml; pass --kafka HOST:PORT if the Connect cluster's "
                    + "brokers are elsewhere");
        }
        if (errors > 0) {
            out.println(errors + " error(s) in " + (files.size() - valid.size()) + " of " + files.size()
                    + " file(s): nothing deployed");
            return 1;
        }
        if (dryRun) {
            out.println("all " + files.size() + " file(s) valid; nothing deployed (--dry-run)");
            return 0;
        }
        return put(rest, valid);
    }

    private ConnectorFile read(Path file, List<String> problems) {
        try {
            ConnectorFile connector = ConnectorFile.read(file, name);
            if (kafka != null) {
                return new ConnectorFile(file, connector.name(), ConnectorConfigs.withKafka(connector.config(), kafka));
            }
            if (connector.config().entrySet().stream().anyMatch(e -> e.getKey().endsWith(".converter.bootstrap.servers")
                    && EXAMPLES_KAFKA.equals(e.getValue()))) {
                filesWithExampleKafka.add(file);
            }
            return connector;
        } catch (ConnectorFile.Invalid e) {
            problems.addAll(e.problems());
            return null;
        }
    }

    /** Connect's verdict on one file, as "option: message" lines; empty when valid. */
    private List<String> validate(ConnectRestClient rest, ConnectorFile connector)
            throws IOException, InterruptedException {
        String connectorClass = connector.connectorClass();
        if (connectorClass == null) {
            return List.of(ConnectorFile.CLASS_KEY + ": missing: set it to the connector's class, one of "
                    + String.join(", ", connectorClasses(rest)));
        }
        JsonNode answer;
        try {
            answer = rest.validate(connectorClass, connector.config());
        } catch (ConnectRestException e) {
            Set<String> known = connectorClasses(rest);
            if (!known.contains(connectorClass) && known.stream().noneMatch(c -> c.endsWith("." + connectorClass))) {
                return List.of(ConnectorFile.CLASS_KEY + ": the Connect cluster at " + rest.base()
                        + " has no connector " + connectorClass + "; it has " + String.join(", ", known)
                        + " (install the plugin on every worker's plugin.path, or fix the class name)");
            }
            return List.of(ConnectorFile.CLASS_KEY + ": Connect could not validate the config (HTTP " + e.status()
                    + "): " + e.connectMessage());
        }
        return ConfigErrors.of(answer, connector.config()).stream()
                .map(error -> error.field() + ": " + error.message()).toList();
    }

    private static Set<String> connectorClasses(ConnectRestClient rest) throws IOException, InterruptedException {
        Set<String> classes = new TreeSet<>();
        for (JsonNode plugin : rest.connectorPlugins()) {
            classes.add(plugin.path("class").asText());
        }
        return classes;
    }

    /** Creates or updates every connector, then waits for each to run; 0 when all run. */
    private int put(ConnectRestClient rest, List<ConnectorFile> connectors) throws IOException, InterruptedException {
        Map<String, String> heldState = new LinkedHashMap<>();
        List<ConnectorFile> put = new ArrayList<>();
        int notRunning = 0;
        for (ConnectorFile connector : connectors) {
            boolean exists = rest.exists(connector.name());
            if (exists) {
                String state = rest.status(connector.name()).path("connector").path("state").asText();
                if (state.equals("PAUSED") || state.equals("STOPPED")) {
                    heldState.put(connector.name(), state);
                }
            }
            try {
                rest.putConnectorConfig(connector.name(), connector.config());
            } catch (ConnectRestException e) {
                // 409 while the workers rebalance; the command may simply be run again.
                out.println(connector.name() + ": NOT DEPLOYED: Connect answered HTTP " + e.status() + ": "
                        + e.connectMessage());
                notRunning++;
                continue;
            }
            put.add(connector);
            out.println(connector.name() + ": " + (exists ? "updated" : "created") + " from " + connector.file());
        }
        for (ConnectorFile connector : put) {
            String held = heldState.get(connector.name());
            try {
                if (held != null) {
                    // The update passes the connector through UNASSIGNED; it settles back in its state.
                    rest.awaitState(connector.name(), held, timeout);
                    out.println(connector.name() + ": " + held + " as before; the new config applies once it is "
                            + "resumed (PUT /connectors/" + connector.name() + "/resume)");
                    continue;
                }
                rest.awaitRunning(connector.name(), timeout);
                int tasks = rest.status(connector.name()).path("tasks").size();
                out.println(connector.name() + ": RUNNING with " + tasks + " task(s)");
            } catch (IOException e) {
                // Connect's trace follows the first line; it is in the worker's log.
                out.println(connector.name() + ": NOT " + (held != null ? held : "RUNNING") + ": "
                        + e.getMessage().lines().findFirst().orElse(""));
                notRunning++;
            }
        }
        if (notRunning > 0) {
            out.println(notRunning + " of " + connectors.size() + " connector(s) not running");
            return 1;
        }
        out.println("deployed " + connectors.size() + " connector(s)");
        return 0;
    }
}
