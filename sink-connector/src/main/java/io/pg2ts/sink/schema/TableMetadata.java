package io.pg2ts.sink.schema;

import io.pg2ts.common.TableId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A target table: its columns in order and its primary key columns in key order. */
public final class TableMetadata {

    private final TableId table;
    private final List<TargetColumn> columns;
    private final Map<String, TargetColumn> byName = new LinkedHashMap<>();
    private final List<String> primaryKey;

    public TableMetadata(TableId table, List<TargetColumn> columns, List<String> primaryKey) {
        this.table = table;
        this.columns = List.copyOf(columns);
        this.primaryKey = List.copyOf(primaryKey);
        for (TargetColumn column : columns) {
            byName.put(column.name(), column);
        }
    }

    public TableId table() {
        return table;
    }

    public List<TargetColumn> columns() {
        return columns;
    }

    /** @return the column, or null when the table has none of that name */
    public TargetColumn column(String name) {
        return byName.get(name);
    }

    public List<String> primaryKey() {
        return primaryKey;
    }
}
