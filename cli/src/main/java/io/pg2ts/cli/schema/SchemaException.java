package io.pg2ts.cli.schema;

/** A schema copy that cannot go on; the message says what went wrong and what to do, without passwords. */
public final class SchemaException extends Exception {

    public SchemaException(String message) {
        super(message);
    }

    public SchemaException(String message, Throwable cause) {
        super(message, cause);
    }
}
