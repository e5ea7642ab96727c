package io.pg2ts.sink.record;

import io.pg2ts.common.TableId;
import java.util.List;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Says where a failing record is, for error messages: topic, partition, offset, target
 * table and key column names. Never row values, which must stay out of logs.
 */
public final class ErrorContext {

    private ErrorContext() {
    }

    /**
     * @param table null when not known yet
     * @param keyColumns null when not known yet, empty for a table without key
     */
    public static String of(SinkRecord record, TableId table, List<String> keyColumns) {
        StringBuilder sb = new StringBuilder("record in topic ").append(record.originalTopic())
                .append(" partition ").append(record.originalKafkaPartition())
                .append(" at offset ").append(record.originalKafkaOffset());
        return appendTable(sb, table, keyColumns).toString();
    }

    private static StringBuilder appendTable(StringBuilder sb, TableId table, List<String> keyColumns) {
        if (table != null) {
            sb.append(", table ").append(table.quoted());
        }
        if (keyColumns != null) {
            sb.append(keyColumns.isEmpty() ? ", no key columns" : ", key columns " + String.join(", ", keyColumns));
        }
        return sb;
    }
}
