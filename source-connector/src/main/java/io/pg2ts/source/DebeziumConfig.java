package io.pg2ts.source;

import io.debezium.connector.postgresql.PostgresConnector;
import io.pg2ts.common.TableId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Translates a {@link PostgresSourceConfig} into the task configuration of Debezium's PostgreSQL
 * connector: the user's options, the settings a migration needs, then the {@code debezium.*}
 * pass-through, which wins over everything else.
 *
 * <p>Settings pg2ts fixes, and why:
 * <ul>
 *   <li>{@code connector.class=io.debezium.connector.postgresql.PostgresConnector}: Debezium's task
 *       selects its snapshot services by it;</li>
 *   <li>{@code plugin.name=pgoutput}: built into PostgreSQL 10+, no server extension to install;</li>
 *   <li>{@code publication.autocreate.mode=filtered}: the publication holds exactly the captured
 *       tables, so the server decodes nothing else;</li>
 *   <li>{@code column.propagate.source.type=.*}: every field schema carries the source column's
 *       type, length and scale ({@code __debezium.source.column.type} etc.), so the sink can create
 *       identical columns;</li>
 *   <li>{@code decimal.handling.mode=precise}: numeric values keep every digit;</li>
 *   <li>{@code interval.handling.mode=string}: intervals as exact ISO 8601 text, not lossy
 *       microsecond counts;</li>
 *   <li>{@code include.unknown.datatypes=true}: columns of types Debezium does not know (extension
 *       types) are carried, not silently dropped;</li>
 *   <li>{@code extended.headers.enabled=false}: no {@code __debezium.context.*} headers (connector
 *       name, task id) on every record; they cost about 90 bytes and three header objects per row
 *       and say nothing the topic name does not;</li>
 *   <li>{@code message.prefix.exclude.list=.*}: logical decoding messages
 *       ({@code pg_logical_emit_message}) are not table rows and would land on a {@code <prefix>.message}
 *       topic the sink cannot apply; the slot still moves past them, which is how {@code pg2ts cutover}
 *       marks its quiet point;</li>
 *   <li>{@code converters=pg2ts} with {@link ExactTextConverter}: the types Debezium's own conversion
 *       changes or fails on travel as PostgreSQL's text of the value;</li>
 *   <li>{@code tombstones.on.delete=true}: a delete is followed by a tombstone, so compacted topics
 *       forget deleted keys;</li>
 *   <li>{@code poll.interval.ms=20} ({@link #POLL_INTERVAL_MS}), not Debezium's 500: its streaming
 *       thread sleeps that long each time it has read everything the server sent so far, and its
 *       queue holds a change that long when fewer than a batch are waiting. At 500 ms a busy stream
 *       that catches up with the server's WAL sender stalls half a second at a time, and every
 *       quiet-time change waits up to a second; at 20 ms an idle task wakes 50 times a second to
 *       look for changes, which costs next to nothing;</li>
 *   <li>{@code schema.exclude.list}, only when every table is captured: system and TimescaleDB
 *       internal schemas.</li>
 * </ul>
 */
public final class DebeziumConfig {

    /** Debezium's {@code poll.interval.ms} as pg2ts sets it; {@code debezium.poll.interval.ms} overrides it. */
    static final long POLL_INTERVAL_MS = 20;

    /**
     * Schemas never captured when the include list is empty, as anchored regular expressions
     * (the form Debezium's {@code schema.exclude.list} takes).
     */
    public static final List<String> EXCLUDED_SCHEMAS = List.of(
            "^pg_catalog$", "^information_schema$", "^pg_toast.*$", "^pg_temp_.*$",
            "^_timescaledb_.*$", "^timescaledb_information$", "^timescaledb_experimental$",
            "^toolkit_experimental$");

    private static final List<Pattern> EXCLUDED_SCHEMA_PATTERNS =
            EXCLUDED_SCHEMAS.stream().map(Pattern::compile).toList();

    private DebeziumConfig() {
    }

    /** The properties for Debezium's {@code PostgresConnector} and its task. */
    public static Map<String, String> taskProperties(PostgresSourceConfig config) {
        Map<String, String> props = new LinkedHashMap<>();
        if (config.connectorName() != null) {
            props.put("name", config.connectorName());
        }
        // Debezium's task picks its PostgreSQL snapshot services by this class, compared by identity.
        props.put("connector.class", PostgresConnector.class.getName());
        props.put("database.hostname", config.hostname());
        props.put("database.port", Integer.toString(config.port()));
        props.put("database.user", config.user());
        props.put("database.password", config.password().value());
        props.put("database.dbname", config.dbname());
        props.put("database.sslmode", config.sslMode());
        props.put("topic.prefix", config.topicPrefix());
        if (config.tableIncludeList().isEmpty()) {
            props.put("schema.exclude.list", String.join(",", EXCLUDED_SCHEMAS));
        } else {
            props.put("table.include.list", tableIncludeRegex(config.tableIncludeList()));
        }
        props.put("slot.name", config.slotName());
        props.put("publication.name", config.publicationName());
        props.put("snapshot.mode", config.snapshotMode().value());
        props.put("heartbeat.interval.ms", Long.toString(config.heartbeatInterval().toMillis()));
        props.put("snapshot.max.threads", Integer.toString(config.snapshotMaxThreads()));
        props.put("slot.drop.on.stop", Boolean.toString(config.slotDropOnStop()));

        props.put("plugin.name", "pgoutput");
        props.put("publication.autocreate.mode", "filtered");
        props.put("column.propagate.source.type", ".*");
        props.put("decimal.handling.mode", "precise");
        props.put("interval.handling.mode", "string");
        props.put("include.unknown.datatypes", "true");
        props.put("tombstones.on.delete", "true");
        props.put("poll.interval.ms", Long.toString(POLL_INTERVAL_MS));
        props.put("extended.headers.enabled", "false");
        props.put("message.prefix.exclude.list", ".*");
        props.put("converters", "pg2ts");
        props.put("pg2ts.type", ExactTextConverter.class.getName());

        props.putAll(config.passThrough());
        return props;
    }

    /** True when pg2ts captures tables of this schema when the include list is empty. */
    public static boolean isUserSchema(String schema) {
        return EXCLUDED_SCHEMA_PATTERNS.stream().noneMatch(p -> p.matcher(schema).matches());
    }

    /** Debezium's {@code table.include.list} that matches exactly these tables and no other. */
    static String tableIncludeRegex(List<TableId> tables) {
        return tables.stream()
                .map(t -> "^" + literal(t.schema()) + "\\." + literal(t.table()) + "$")
                .collect(Collectors.joining(","));
    }

    /**
     * A regular expression matching exactly this text, in a form that survives Debezium's list
     * splitting: it splits on unescaped commas and trims each entry, and treats a backslash as an
     * escape, so commas, white space and other characters outside ASCII letters, digits and
     * punctuation become {@code \x{hex}}, and ASCII punctuation is backslash-escaped (Pattern.quote's
     * {@code \Q...\E} would break on a comma or a {@code \E} in a name).
     */
    static String literal(String text) {
        StringBuilder out = new StringBuilder(text.length() + 8);
        text.codePoints().forEach(c -> {
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_') {
                out.appendCodePoint(c);
            } else if (c > ' ' && c < 127 && c != ',') {
                out.append('\\').appendCodePoint(c);
            } else {
                out.append("\\x{").append(Integer.toHexString(c)).append('}');
            }
        });
        return out.toString();
    }
}
