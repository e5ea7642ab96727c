package io.pg2ts.e2e;

import io.pg2ts.cli.LocalCluster;
import io.pg2ts.cli.demo.SampleDatabase;
import io.pg2ts.cli.migrate.MigrationRun;
import io.pg2ts.testsupport.LocalPostgres;
import java.sql.Connection;

/**
 * What most end-to-end tests start with: a source and a target PostgreSQL, a single-node Kafka
 * broker with a Connect worker (Kafka's own classes, the built plugins), and a {@link MigrationRun}
 * that deploys the config examples between them. Closed in the reverse order.
 */
final class LocalMigration implements AutoCloseable {

    final LocalPostgres source;
    final LocalPostgres target;
    final LocalCluster cluster;
    final MigrationRun run;

    private LocalMigration(LocalPostgres source, LocalPostgres target, LocalCluster cluster) {
        this.source = source;
        this.target = target;
        this.cluster = cluster;
        this.run = new MigrationRun(cluster.rest(), Fixtures.endpoint(source), Fixtures.endpoint(target),
                ConnectClusterFixture.examples(), cluster.bootstrapServers(), System.out);
    }

    static LocalMigration start() throws Exception {
        return start(LocalPostgres.DEFAULT_MAJOR);
    }

    /** With a source server of this PostgreSQL major version ({@link LocalPostgres#startSource(String)}). */
    static LocalMigration start(String sourceMajor) throws Exception {
        LocalPostgres source = LocalPostgres.startSource(sourceMajor);
        LocalPostgres target = null;
        try {
            target = LocalPostgres.startTarget();
            return new LocalMigration(source, target,
                    LocalCluster.start(ConnectClusterFixture.examples(), ConnectClusterFixture.pluginPath(), System.out));
        } catch (Exception | Error e) {
            if (target != null) {
                target.close();
            }
            source.close();
            throw e;
        }
    }

    /** Creates the sample tables on the source with about {@code rows} rows in all. */
    LocalMigration withSampleRows(int rows) throws Exception {
        try (Connection c = source.connect("postgres")) {
            SampleDatabase.create(c, rows);
        }
        return this;
    }

    @Override
    public void close() {
        try {
            cluster.close();
        } finally {
            try {
                target.close();
            } finally {
                source.close();
            }
        }
    }
}
