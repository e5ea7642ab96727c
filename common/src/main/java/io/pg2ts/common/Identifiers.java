package io.pg2ts.common;

/**
 * The one way pg2ts writes a PostgreSQL identifier, or a string literal, into SQL text.
 */
public final class Identifiers {

    private Identifiers() {
    }

    /** Double-quotes an identifier, doubling embedded quotes, so any name is safe and exact. */
    public static String quote(String identifier) {
        if (identifier.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("identifier contains a NUL character");
        }
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    /**
     * A string literal in standard SQL form (single quotes doubled), for servers with
     * {@code standard_conforming_strings} on, the default since PostgreSQL 9.1.
     */
    public static String literal(String text) {
        if (text.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("text contains a NUL character");
        }
        return "'" + text.replace("'", "''") + "'";
    }
}
