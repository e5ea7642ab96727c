package io.pg2ts.sink.testing;

import java.lang.management.ManagementFactory;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.common.utils.Sanitizer;

/** Reads a sink task's metrics over the platform MBean server, as a JMX console would. */
public final class TaskMetrics {

    private final String connector;
    private final String task;

    public TaskMetrics(String connector, String task) {
        this.connector = connector;
        this.task = task;
    }

    /** A metric of the whole task; null when it is not registered. */
    public Number task(String attribute) throws JMException {
        return read("", attribute);
    }

    /** A metric of one table (schema.table), such as a hypertable fact; null when it is not registered. */
    public Number table(String table, String attribute) throws JMException {
        return read(",table=" + Sanitizer.jmxSanitize(table), attribute);
    }

    /** Rows written to {@code table} (schema.table) by {@code op}; 0 when none were. */
    public long rowsApplied(String table, String op) throws JMException {
        Number total = read(",table=" + Sanitizer.jmxSanitize(table) + ",op=" + op, "rows-applied-total");
        return total == null ? 0 : total.longValue();
    }

    private Number read(String tags, String attribute) throws JMException {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName("pg2ts.sink:type=sink-task-metrics,connector=" + Sanitizer.jmxSanitize(connector)
                + ",task=" + task + tags);
        if (!server.isRegistered(name)) {
            return null;
        }
        return (Number) server.getAttribute(name, attribute);
    }
}
