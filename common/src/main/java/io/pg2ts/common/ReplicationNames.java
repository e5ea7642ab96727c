package io.pg2ts.common;

import java.util.Locale;

/**
 * The names of the replication slot and publication a pg2ts source connector uses when its config
 * names none, derived from the connector's name; the source and the {@code pg2ts} commands that
 * clean up after it must agree on them.
 */
public final class ReplicationNames {

    /** PostgreSQL's NAMEDATALEN - 1. */
    public static final int MAX_NAME_BYTES = 63;

    private ReplicationNames() {
    }

    /**
     * {@code pg2ts_} followed by the connector name in lower case, every character other than a-z,
     * 0-9 and _ replaced by _, at most 63 bytes.
     */
    public static String derived(String connectorName) {
        StringBuilder name = new StringBuilder("pg2ts_");
        connectorName.toLowerCase(Locale.ROOT).codePoints().forEach(c -> name.append(
                (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ? (char) c : '_'));
        // Only ASCII is left, so 63 characters are 63 bytes.
        return name.length() > MAX_NAME_BYTES ? name.substring(0, MAX_NAME_BYTES) : name.toString();
    }
}
