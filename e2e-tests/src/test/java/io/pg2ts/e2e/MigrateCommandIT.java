package io.pg2ts.e2e;

import static io.pg2ts.e2e.Fixtures.count;
import static org.assertj.core.api.Assertions.assertThat;

import io.pg2ts.testsupport.LocalPostgres;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code pg2ts migrate} on one machine, as a user runs it: its own Kafka broker and Connect worker,
 * the schema copied first with its foreign key and index held back until the target equals the
 * source, then created.
 */
class MigrateCommandIT {

    @Test
    void migrateCopiesTheSchemaMovesTheRowsVerifiesAndThenCreatesTheDeferredConstraints() throws Exception {
        try (LocalPostgres source = LocalPostgres.startSource(); LocalPostgres target = LocalPostgres.startTarget()) {
            source.execute("postgres",
                    "CREATE TABLE parents (id bigserial PRIMARY KEY, name text NOT NULL)",
                    "CREATE TABLE children (id bigserial PRIMARY KEY, parent_id bigint NOT NULL REFERENCES parents, "
                            + "born date NOT NULL)",
                    "CREATE INDEX children_born ON children (born)",
                    "INSERT INTO parents (name) SELECT 'p' || g FROM generate_series(1, 3000) g",
                    "INSERT INTO children (parent_id, born) SELECT 1 + g % 3000, date '2020-01-01' + g % 1000 "
                            + "FROM generate_series(1, 9000) g");

            LifecycleIT.Run migrate = LifecycleIT.pg2ts("migrate", "--source", LifecycleIT.url(source),
                    "--target", LifecycleIT.url(target), "--timeout", "PT4M",
                    "--examples", ConnectClusterFixture.examples().toString(),
                    "--plugins", ConnectClusterFixture.pluginPath().toString());

            assertThat(migrate.status()).as(migrate.output()).isZero();
            assertThat(migrate.output()).contains("verified: every table on the target equals its source",
                    "1 index", "1 foreign key");
            Fixtures.assertSameRows(source, target, List.of("public.parents", "public.children"));
            try (Connection t = target.connect("postgres")) {
                assertThat(count(t, "SELECT count(*) FROM pg_indexes WHERE indexname = 'children_born'")).isOne();
                assertThat(count(t, "SELECT count(*) FROM pg_constraint WHERE contype = 'f' "
                        + "AND conrelid = 'public.children'::regclass")).isOne();
            }
        }
    }
}
