package io.pg2ts.sink.record;

/** The operation of a Debezium change event, by its {@code op} code. */
public enum Op {
    CREATE, READ, UPDATE, DELETE, TRUNCATE;

    static Op fromCode(String code) {
        if (code == null) {
            return null;
        }
        return switch (code) {
            case "c" -> CREATE;
            case "r" -> READ;
            case "u" -> UPDATE;
            case "d" -> DELETE;
            case "t" -> TRUNCATE;
            default -> null;
        };
    }

    /** Whether the change leaves a row image behind (create, snapshot read, update). */
    public boolean writesRow() {
        return this == CREATE || this == READ || this == UPDATE;
    }
}
