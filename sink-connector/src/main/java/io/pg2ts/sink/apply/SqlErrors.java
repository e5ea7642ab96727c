package io.pg2ts.sink.apply;

import java.sql.SQLException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/** Tells transient SQL failures, worth a retry on a new connection, from the rest. */
public final class SqlErrors {

    private SqlErrors() {
    }

    /**
     * Whether {@code error}, or anything in its cause chain or chain of next exceptions, has a
     * transient SQLState. Decided by SQLState only: message texts are localized and change.
     */
    public static boolean isTransient(Throwable error) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = error; t != null && seen.add(t); t = t.getCause()) {
            if (t instanceof SQLException sql) {
                for (SQLException next = sql.getNextException(); next != null && seen.add(next); next = next.getNextException()) {
                    if (isTransientState(next.getSQLState())) {
                        return true;
                    }
                }
                if (isTransientState(sql.getSQLState())) {
                    return true;
                }
            }
        }
        return false;
    }

    // Connection exceptions (class 08), serialization failure, deadlock, and the server shutting
    // down or restarting (admin_shutdown, crash_shutdown, cannot_connect_now).
    static boolean isTransientState(String state) {
        if (state == null) {
            return false;
        }
        return state.startsWith("08") || switch (state) {
            case "40001", "40P01", "57P01", "57P02", "57P03" -> true;
            default -> false;
        };
    }
}
