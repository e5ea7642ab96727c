package io.pg2ts.sink.sql;

/** A column to create: name, SQL type with modifiers, and whether it is NOT NULL. */
public record ColumnDefinition(String name, String type, boolean notNull) {
}
