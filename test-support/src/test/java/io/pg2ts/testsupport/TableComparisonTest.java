package io.pg2ts.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TableComparisonTest {

    private static LocalPostgres pg;

    @BeforeAll
    static void start() {
        pg = LocalPostgres.startTarget();
    }

    @AfterAll
    static void stop() {
        pg.close();
    }

    @Test
    void sameRowsInAnyPhysicalOrderGiveTheSameFingerprint() throws Exception {
        pg.execute("postgres",
                "CREATE TABLE a (id int, v text)", "CREATE TABLE b (id int, v text)",
                "INSERT INTO a VALUES (1, 'x'), (2, NULL), (3, 'z')",
                "INSERT INTO b VALUES (3, 'z'), (1, 'x'), (2, NULL)");
        try (Connection c = pg.connect("postgres")) {
            assertThat(TableComparison.fingerprint(c, "a")).isEqualTo(TableComparison.fingerprint(c, "b"));
            assertThat(TableComparison.fingerprint(c, "a").rows()).isEqualTo(3);
        }
    }

    @Test
    void aChangedValueChangesTheFingerprint() throws Exception {
        pg.execute("postgres",
                "CREATE TABLE c (id int, v text)", "CREATE TABLE d (id int, v text)",
                "INSERT INTO c VALUES (1, 'x'), (2, 'y')",
                "INSERT INTO d VALUES (1, 'x'), (2, 'Y')");
        try (Connection c = pg.connect("postgres")) {
            assertThat(TableComparison.fingerprint(c, "c")).isNotEqualTo(TableComparison.fingerprint(c, "d"));
        }
    }
}
