package io.pg2ts.sink.testing;

import org.junit.jupiter.api.TestInfo;

/** A target schema of its own for every test, named after it (within PostgreSQL's 63 bytes). */
public final class SchemaNames {

    private SchemaNames() {
    }

    public static String of(TestInfo test) {
        String name = test.getTestMethod().orElseThrow().getName().toLowerCase();
        return "s_" + name.substring(0, Math.min(name.length(), 60));
    }
}
