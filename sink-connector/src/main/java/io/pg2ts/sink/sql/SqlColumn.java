package io.pg2ts.sink.sql;

/**
 * A target column as the write statements need it.
 *
 * @param type the type values are cast to from text, as {@code format_type} spells it
 */
public record SqlColumn(String name, String type) {
}
