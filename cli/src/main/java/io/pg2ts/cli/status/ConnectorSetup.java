package io.pg2ts.cli.status;

import com.fasterxml.jackson.databind.JsonNode;
import io.pg2ts.cli.connect.ConnectRestClient;
import io.pg2ts.common.TableId;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What the connectors' task configs in Kafka Connect say about where things are: the slot, the
 * source tables, the topics, and the target table of each source table.
 *
 * @param complete whether both connectors were found
 * @param slotName the source task's {@code slot.name}, null when unknown
 * @param includeList the source connector's tables; empty for every table
 * @param topicPrefix the source's {@code topic.prefix}
 * @param tableNameFormat the sink's {@code table.name.format}
 * @param topicPattern the topics the sink reads ({@code topics.regex}, or {@code topics}); null when unknown
 */
public record ConnectorSetup(boolean complete, String slotName, List<TableId> includeList, String topicPrefix,
                      String tableNameFormat, Pattern topicPattern) {

    static final ConnectorSetup NONE = new ConnectorSetup(true, null, List.of(), "pg2ts", "${schema}.${table}", null);

    public static ConnectorSetup read(ConnectRestClient connect, String sourceConnector, String sinkConnector)
            throws IOException, InterruptedException {
        JsonNode source = taskConfig(connect, sourceConnector);
        JsonNode sink = taskConfig(connect, sinkConnector);
        String slot = text(source, "slot.name", null);
        // The pg2ts source hands its tasks the include list as exact names under this key.
        String include = text(source, "pg2ts.table.include.list", "");
        List<TableId> tables = include.isBlank() ? List.of()
                : Arrays.stream(include.split(",")).map(String::strip).filter(t -> !t.isEmpty()).map(TableId::parse).toList();
        Pattern topics = null;
        String regex = text(sink, "topics.regex", "");
        String names = text(sink, "topics", "");
        if (!regex.isBlank()) {
            topics = Pattern.compile(regex);
        } else if (!names.isBlank()) {
            topics = Pattern.compile(Arrays.stream(names.split(",")).map(String::strip).map(Pattern::quote)
                    .reduce((a, b) -> a + "|" + b).orElseThrow());
        }
        return new ConnectorSetup(source != null && sink != null, slot, tables, text(source, "topic.prefix", "pg2ts"),
                text(sink, "table.name.format", "${schema}.${table}"), topics);
    }

    private static JsonNode taskConfig(ConnectRestClient connect, String connector) throws IOException, InterruptedException {
        try {
            JsonNode config = connect.tasks(connector).path(0).path("config");
            return config.isMissingNode() ? null : config;
        } catch (ConnectRestClient.ConnectRestException e) {
            if (e.status() == 404) {
                return null;
            }
            throw e;
        }
    }

    private static String text(JsonNode config, String key, String otherwise) {
        if (config == null || !config.hasNonNull(key)) {
            return otherwise;
        }
        return config.get(key).asText();
    }

    /**
     * The table the sink writes a source table's changes to, by its {@code table.name.format}, split
     * into schema and table before the names are filled in, as the sink does.
     */
    public TableId targetOf(TableId source) {
        TableId template = TableId.parse(tableNameFormat);
        return new TableId(render(template.schema(), source), render(template.table(), source));
    }

    private String render(String template, TableId source) {
        return template.replace("${topic}", topicPrefix + "." + source.schema() + "." + source.table())
                .replace("${schema}", source.schema()).replace("${table}", source.table());
    }
}
