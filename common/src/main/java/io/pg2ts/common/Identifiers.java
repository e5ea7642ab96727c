package io.pg2ts.common;

/**
 * The one way pg2ts writes a PostgreSQL identifier into SQL text.
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
}
