package io.pg2ts.sink.schema;

/**
 * A column of a target table as the catalog describes it.
 *
 * @param type {@code format_type} with the type modifier, e.g. {@code character varying(20)}
 * @param castType {@code format_type} without the modifier, what values are cast to: an explicit
 *                 cast to {@code varchar(20)} would silently cut a longer value, where assigning
 *                 the uncut value to the column fails as it should
 * @param generated a stored generated column, never written
 * @param identityAlways an identity column GENERATED ALWAYS, written only with OVERRIDING SYSTEM VALUE
 */
public record TargetColumn(String name, String type, String castType, boolean notNull, boolean generated,
                           boolean identityAlways) {
}
