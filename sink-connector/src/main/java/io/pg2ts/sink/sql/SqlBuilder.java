package io.pg2ts.sink.sql;

import io.pg2ts.common.Identifiers;
import io.pg2ts.common.TableId;
import java.util.function.BiConsumer;

/** Builds SQL text; names are always quoted, and values never appear in it. */
public final class SqlBuilder {

    private final StringBuilder sql = new StringBuilder(256);

    public SqlBuilder append(String text) {
        sql.append(text);
        return this;
    }

    /** A column, schema or other name, quoted. */
    public SqlBuilder name(String identifier) {
        sql.append(Identifiers.quote(identifier));
        return this;
    }

    /** An alias-qualified column: {@code alias."column"}. */
    public SqlBuilder name(String alias, String identifier) {
        sql.append(alias).append('.').append(Identifiers.quote(identifier));
        return this;
    }

    public SqlBuilder table(TableId table) {
        sql.append(table.quoted());
        return this;
    }

    /** Appends each item with {@code each}, {@code separator} between them. */
    public <T> SqlBuilder list(Iterable<T> items, String separator, BiConsumer<SqlBuilder, T> each) {
        boolean first = true;
        for (T item : items) {
            if (!first) {
                sql.append(separator);
            }
            first = false;
            each.accept(this, item);
        }
        return this;
    }

    @Override
    public String toString() {
        return sql.toString();
    }
}
