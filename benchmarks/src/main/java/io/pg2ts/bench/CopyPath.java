package io.pg2ts.bench;

import io.pg2ts.testsupport.TableComparison.Fingerprint;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * The floor every copy is measured against: {@code COPY ticks TO STDOUT (FORMAT binary)} on the
 * source piped, through a bounded in-memory pipe, into {@code COPY ticks FROM STDIN (FORMAT binary)}
 * on the target. Snapshot only: a pipe has no change stream.
 */
final class CopyPath implements BenchPath {

    private static final int PIPE_BYTES = 4 << 20;

    @Override
    public String name() {
        return "copy";
    }

    @Override
    public String label() {
        return "direct COPY TO STDOUT piped into COPY FROM STDIN (binary), plain table";
    }

    @Override
    public void run(BenchContext context, PathResult result) throws Exception {
        Servers servers = context.servers();
        String sourceDb = Servers.sourceDatabase(name());
        String targetDb = Servers.targetDatabase(name());
        Duration elapsed;
        try (Connection source = servers.source().connect(sourceDb);
                Connection target = servers.target().connect(targetDb)) {
            CopyManager out = source.unwrap(PGConnection.class).getCopyAPI();
            CopyManager in = target.unwrap(PGConnection.class).getCopyAPI();
            PipedInputStream pipeIn = new PipedInputStream(PIPE_BYTES);
            PipedOutputStream pipeOut = new PipedOutputStream(pipeIn);
            Instant start = Instant.now();
            CompletableFuture<Long> reader = CompletableFuture.supplyAsync(() -> {
                try (pipeOut) {
                    return out.copyOut("COPY " + Workload.TABLE + " TO STDOUT (FORMAT binary)", pipeOut);
                } catch (Exception e) {
                    throw new IllegalStateException("COPY TO STDOUT on the source failed: " + e.getMessage(), e);
                }
            });
            long written;
            try (pipeIn) {
                written = in.copyIn("COPY " + Workload.TABLE + " FROM STDIN (FORMAT binary)", pipeIn);
            } catch (IOException e) {
                throw new IllegalStateException("COPY FROM STDIN on the target failed: " + e.getMessage(), e);
            }
            elapsed = Duration.between(start, Instant.now());
            long read = awaitReader(reader);
            if (read != written) {
                throw new IllegalStateException("copied out " + read + " rows but in " + written);
            }
            Fingerprint onTarget = Servers.fingerprint(target);
            if (!onTarget.equals(context.expected().afterSnapshot())) {
                throw new IllegalStateException("target differs from the source: " + onTarget);
            }
        }
        result.snapshot(context.workload().rows(), elapsed);
    }

    private static long awaitReader(CompletableFuture<Long> reader) throws Exception {
        try {
            return reader.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }
}
