package io.pg2ts.sink.record;

import io.pg2ts.common.TableId;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names the target table of a change event from a format such as {@code ${schema}.${table}}.
 * The format is split into schema and table part before the placeholders are filled in, so a
 * source name containing a dot or a quote still lands in the right part.
 */
public final class TableNameFormat {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");

    private final String format;
    private final String schemaTemplate;
    private final String tableTemplate;

    private TableNameFormat(String format, TableId template) {
        this.format = format;
        this.schemaTemplate = template.schema();
        this.tableTemplate = template.table();
    }

    /** @throws IllegalArgumentException when the format has an empty part or an unknown placeholder */
    public static TableNameFormat parse(String format) {
        if (format == null || format.isBlank()) {
            throw new IllegalArgumentException("the table name format is empty");
        }
        TableId template = TableId.parse(format);
        checkPlaceholders(template.schema());
        checkPlaceholders(template.table());
        return new TableNameFormat(format, template);
    }

    private static void checkPlaceholders(String part) {
        Matcher m = PLACEHOLDER.matcher(part);
        while (m.find()) {
            String name = m.group(1);
            if (!name.equals("topic") && !name.equals("schema") && !name.equals("table")) {
                throw new IllegalArgumentException("unknown placeholder ${" + name + "}; use ${topic}, ${schema} or ${table}");
            }
        }
    }

    /** Whether the format needs the source block's schema and table names. */
    public boolean usesSourceNames() {
        return needsSource(schemaTemplate) || needsSource(tableTemplate);
    }

    private static boolean needsSource(String template) {
        return template.contains("${schema}") || template.contains("${table}");
    }

    /**
     * @param schema source schema, may be null when the format does not use it
     * @param table source table, may be null when the format does not use it
     */
    public TableId resolve(String topic, String schema, String table) {
        return new TableId(render(schemaTemplate, topic, schema, table), render(tableTemplate, topic, schema, table));
    }

    private static String render(String template, String topic, String schema, String table) {
        if (template.indexOf('$') < 0) {
            return template;
        }
        String result = template.replace("${topic}", topic);
        if (schema != null) {
            result = result.replace("${schema}", schema);
        }
        if (table != null) {
            result = result.replace("${table}", table);
        }
        if (result.contains("${schema}") || result.contains("${table}")) {
            throw new IllegalArgumentException("the event's source block has no schema or table name, which the table name format needs");
        }
        if (result.isEmpty()) {
            throw new IllegalArgumentException("the table name format gives an empty name");
        }
        return result;
    }

    @Override
    public String toString() {
        return format;
    }
}
