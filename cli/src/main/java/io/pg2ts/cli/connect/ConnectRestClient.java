package io.pg2ts.cli.connect;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * The few calls of Kafka Connect's REST API that pg2ts makes.
 */
public final class ConnectRestClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    public ConnectRestClient(URI base) {
        this.base = base.toString().endsWith("/") ? base : URI.create(base + "/");
    }

    public URI base() {
        return base;
    }

    /** Creates the connector or replaces its configuration ({@code PUT /connectors/{name}/config}). */
    public void putConnectorConfig(String name, Map<String, String> config) throws IOException, InterruptedException {
        send("PUT", "connectors/" + encode(name) + "/config", JSON.writeValueAsString(config));
    }

    /** Whether the worker has a connector of this name ({@code GET /connectors/{name}}). */
    public boolean exists(String name) throws IOException, InterruptedException {
        try {
            send("GET", "connectors/" + encode(name), null);
            return true;
        } catch (ConnectRestException e) {
            if (e.status() == 404) {
                return false;
            }
            throw e;
        }
    }

    /**
     * {@code PUT /connector-plugins/{class}/config/validate}: the connector's and Connect's checks of
     * this config, without creating anything. The answer has {@code error_count} and, per option,
     * {@code configs[].value.errors}.
     */
    public JsonNode validate(String connectorClass, Map<String, String> config) throws IOException, InterruptedException {
        return JSON.readTree(send("PUT", "connector-plugins/" + encode(connectorClass) + "/config/validate",
                JSON.writeValueAsString(config)));
    }

    /** {@code GET /connectors/{name}/status}. */
    public JsonNode status(String name) throws IOException, InterruptedException {
        return JSON.readTree(send("GET", "connectors/" + encode(name) + "/status", null));
    }

    /** {@code GET /connectors/{name}/config}: the connector's configuration as it was PUT. */
    public Map<String, String> config(String name) throws IOException, InterruptedException {
        return JSON.readValue(send("GET", "connectors/" + encode(name) + "/config", null),
                new TypeReference<Map<String, String>>() { });
    }

    /**
     * The setting of the connector's first task ({@code GET /connectors/{name}/tasks}), where a
     * connector puts what it derived (the source's slot and publication names); null when unset.
     */
    public String taskSetting(String name, String key) throws IOException, InterruptedException {
        JsonNode value = tasks(name).path(0).path("config").path(key);
        return value.isMissingNode() || value.isNull() ? null : value.asText();
    }

    /** {@code GET /connectors/{name}/tasks}: the configs the connector gave its tasks. */
    public JsonNode tasks(String name) throws IOException, InterruptedException {
        return JSON.readTree(send("GET", "connectors/" + encode(name) + "/tasks", null));
    }

    /** {@code DELETE /connectors/{name}}: stops the connector and forgets its config. */
    public void delete(String name) throws IOException, InterruptedException {
        send("DELETE", "connectors/" + encode(name), null);
    }

    /** {@code PUT /connectors/{name}/stop}: stops the connector and its tasks, keeping its config. */
    public void stop(String name) throws IOException, InterruptedException {
        send("PUT", "connectors/" + encode(name) + "/stop", null);
    }

    /** {@code PUT /connectors/{name}/resume}. */
    public void resume(String name) throws IOException, InterruptedException {
        send("PUT", "connectors/" + encode(name) + "/resume", null);
    }

    /** {@code GET /connectors/{name}/offsets}: for a sink, its consumer group's committed offsets. */
    public JsonNode offsets(String name) throws IOException, InterruptedException {
        return JSON.readTree(send("GET", "connectors/" + encode(name) + "/offsets", null));
    }

    /** {@code DELETE /connectors/{name}/offsets}: forgets Connect's offsets; the connector must be stopped. */
    public void resetOffsets(String name) throws IOException, InterruptedException {
        send("DELETE", "connectors/" + encode(name) + "/offsets", null);
    }

    /** Waits until the connector is stopped ({@code STOPPED}, no tasks). */
    public void awaitStopped(String name, Duration timeout) throws IOException, InterruptedException {
        awaitState(name, "STOPPED", timeout);
    }

    /**
     * Waits until Connect reports the connector in this state ({@code STOPPED}, {@code PAUSED},
     * ...); after a config update it passes through {@code UNASSIGNED} first.
     */
    public void awaitState(String name, String state, Duration timeout) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        String last;
        while (!(last = status(name).path("connector").path("state").asText()).equals(state)) {
            if (Instant.now().isAfter(deadline)) {
                throw new IOException("connector " + name + " is not " + state + " after " + timeout + " but " + last);
            }
            Thread.sleep(200);
        }
    }

    /** {@code GET /connector-plugins}: the connector classes the worker found on its plugin.path. */
    public JsonNode connectorPlugins() throws IOException, InterruptedException {
        return JSON.readTree(send("GET", "connector-plugins", null));
    }

    /** Waits until the worker answers on its REST port. */
    public void awaitReady(Duration timeout) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            try {
                send("GET", "connectors", null);
                return;
            } catch (IOException e) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IOException("Kafka Connect at " + base + " did not answer within " + timeout, e);
                }
                Thread.sleep(500);
            }
        }
    }

    /**
     * Waits until the connector and all its tasks run. A failed connector or task ends the wait
     * with its trace, since it will not recover by itself.
     */
    public void awaitRunning(String name, Duration timeout) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        String last = "no status yet";
        while (Instant.now().isBefore(deadline)) {
            try {
                JsonNode status = status(name);
                last = status.toString();
                failIfFailed(name, status);
                if (isRunning(status)) {
                    return;
                }
            } catch (ConnectRestException e) {
                if (e.status() != 404) {
                    throw e;
                }
            }
            Thread.sleep(500);
        }
        throw new IOException("connector " + name + " is not running after " + timeout + "; last status: " + last);
    }

    static boolean isRunning(JsonNode status) {
        if (!"RUNNING".equals(status.path("connector").path("state").asText())) {
            return false;
        }
        JsonNode tasks = status.path("tasks");
        if (tasks.isEmpty()) {
            return false;
        }
        for (JsonNode task : tasks) {
            if (!"RUNNING".equals(task.path("state").asText())) {
                return false;
            }
        }
        return true;
    }

    /** Throws when the connector or one of its tasks has failed, with Connect's trace. */
    public static void failIfFailed(String name, JsonNode status) throws IOException {
        if ("FAILED".equals(status.path("connector").path("state").asText())) {
            throw new IOException("connector " + name + " failed: " + status.path("connector").path("trace").asText());
        }
        for (JsonNode task : status.path("tasks")) {
            if ("FAILED".equals(task.path("state").asText())) {
                throw new IOException("task " + task.path("id").asInt() + " of connector " + name + " failed: "
                        + task.path("trace").asText());
            }
        }
    }

    private String send(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofSeconds(60))
                .header("Accept", "application/json");
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.net.ConnectException e) {
            // The JDK's exception says nothing, not even where it tried.
            java.net.ConnectException named = new java.net.ConnectException("Kafka Connect does not answer at " + base
                    + " (connection refused): check --connect and that the worker runs");
            named.initCause(e);
            throw named;
        }
        if (response.statusCode() >= 300) {
            throw new ConnectRestException(method + " " + base.resolve(path), response.statusCode(), response.body());
        }
        return response.body();
    }

    private static String encode(String name) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** An HTTP error answer from the worker, with the message Connect gave. */
    public static final class ConnectRestException extends IOException {
        private final int status;

        private final String body;

        ConnectRestException(String request, int status, String body) {
            super(request + " answered " + status + ": " + body);
            this.status = status;
            this.body = body;
        }

        public int status() {
            return status;
        }

        /** The {@code message} of Connect's error answer, or its whole body when it has none. */
        public String connectMessage() {
            try {
                String message = JSON.readTree(body).path("message").asText("");
                return message.isEmpty() ? body : message;
            } catch (IOException e) {
                return body;
            }
        }
    }
}
