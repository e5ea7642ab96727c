package io.pg2ts.cli.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A connector's configuration as users keep it in a JSON file, in either of two shapes: Connect
 * REST's {@code {"name": ..., "config": {...}}} (also what {@code GET /connectors/<name>} answers)
 * or a flat map of options like {@code config-examples/source.json}.
 *
 * <p>The connector's name is, first found: the name given on the command line, {@code name} at
 * the top level, {@code name} in the options, the file name without {@code .json}. It is written
 * into the options, as Connect wants it there. Connect takes only string values: numbers and
 * booleans become their JSON text; null, arrays and objects are rejected.
 */
public record ConnectorFile(Path file, String name, Map<String, String> config) {

    public static final String NAME_KEY = "name";
    public static final String CLASS_KEY = "connector.class";

    private static final ObjectMapper JSON = new ObjectMapper();
    /** What {@code GET /connectors/<name>} answers besides name and config; ignored. */
    private static final Set<String> IGNORED_TOP_LEVEL = Set.of("tasks", "type");

    /** The connector class, or null when the file does not set one. */
    public String connectorClass() {
        String value = config.get(CLASS_KEY);
        return value == null || value.isBlank() ? null : value.strip();
    }

    /**
     * Reads a connector file.
     *
     * @param givenName the name to give the connector whatever the file says, or null
     * @throws Invalid with every problem of the file, each naming the key to fix
     */
    public static ConnectorFile read(Path file, String givenName) throws Invalid {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new Invalid(List.of("no such file"));
        } catch (IOException e) {
            throw new Invalid(List.of("cannot read it: " + e));
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            // Not Jackson's message: it quotes the text around the error, which may be a password.
            throw new Invalid(List.of("not valid JSON (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")"));
        }
        if (root == null || !root.isObject()) {
            throw new Invalid(List.of("not a JSON object: a connector file is {\"name\": ..., \"config\": {...}} "
                    + "or a flat object of options"));
        }
        List<String> problems = new ArrayList<>();
        JsonNode options = root;
        String topLevelName = null;
        if (root.path("config").isObject()) {
            options = root.get("config");
            for (Iterator<String> keys = root.fieldNames(); keys.hasNext(); ) {
                String key = keys.next();
                if (!key.equals("config") && !key.equals(NAME_KEY) && !IGNORED_TOP_LEVEL.contains(key)) {
                    problems.add(key + ": not a top-level key of a connector file, which has \"name\" and \"config\" "
                            + "(move options into \"config\")");
                }
            }
            JsonNode nameNode = root.get(NAME_KEY);
            if (nameNode != null && !nameNode.isTextual()) {
                problems.add("name: must be a string");
            } else if (nameNode != null) {
                topLevelName = nameNode.asText();
            }
        }
        Map<String, String> config = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> fields = options.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode value = field.getValue();
            if (value.isTextual() || value.isNumber() || value.isBoolean()) {
                config.put(field.getKey(), value.asText());
            } else if (value.isNull()) {
                problems.add(field.getKey() + ": is null: give it a value or leave the key out");
            } else {
                problems.add(field.getKey() + ": is a JSON " + (value.isArray() ? "array" : "object")
                        + ", but Connect takes strings (write a list as one comma-separated string)");
            }
        }
        String optionsName = config.get(NAME_KEY);
        if (givenName == null && topLevelName != null && optionsName != null && !topLevelName.equals(optionsName)) {
            problems.add("name: the top level says \"" + topLevelName + "\" and config says \"" + optionsName
                    + "\": make them equal or drop one");
        }
        if (!problems.isEmpty()) {
            throw new Invalid(problems);
        }
        String name = givenName != null ? givenName
                : topLevelName != null ? topLevelName
                : optionsName != null ? optionsName
                : fileNameWithoutJson(file);
        config.put(NAME_KEY, name);
        return new ConnectorFile(file, name, config);
    }

    private static String fileNameWithoutJson(Path file) {
        String fileName = file.getFileName().toString();
        return fileName.endsWith(".json") ? fileName.substring(0, fileName.length() - ".json".length()) : fileName;
    }

    /** A file that is not a connector configuration, with what is wrong, key by key where there is one. */
    public static final class Invalid extends Exception {
        private final List<String> problems;

        Invalid(List<String> problems) {
            super(String.join("; ", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }
}
