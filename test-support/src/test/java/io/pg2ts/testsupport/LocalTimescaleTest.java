package io.pg2ts.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The TimescaleDB test server hands its one PostgreSQL session from client to client cleanly. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LocalTimescaleTest {

    /**
     * A JVM that closes a socket with unread data sends a reset; with pglite-socket that ended the
     * whole server (a CI run failed with "connection refused" in TimescaleIT).
     */
    @Test
    void aClientThatResetsItsConnectionLeavesTheServerServingTheNextOne() throws Exception {
        try (LocalTimescale server = LocalTimescale.start()) {
            try (Socket socket = new Socket("127.0.0.1", server.port())) {
                startup(socket);
                assertThat(socket.getInputStream().read()).as("the server's first answer").isNotNegative();
                socket.setSoLinger(true, 0);
            }
            try (Connection c = connect(server)) {
                assertThat(value(c, "SELECT extname FROM pg_extension WHERE extname = 'timescaledb'"))
                        .isEqualTo("timescaledb");
            }
        }
    }

    /**
     * All clients share PGlite's one session: a client that reset its connection inside a
     * transaction left that transaction open for the next client, which then saw uncommitted
     * tables and the old client's settings (a CI run of TimescaleIT saw an empty target for
     * minutes). The server rolls back and discards the session's state between clients.
     */
    @Test
    void aClientThatResetsInsideATransactionLeavesNothingToTheNext() throws Exception {
        try (LocalTimescale server = LocalTimescale.start()) {
            try (Socket socket = new Socket("127.0.0.1", server.port())) {
                socket.setSoTimeout(30_000); // a blocking read ignores the test's timeout
                DataInputStream in = new DataInputStream(socket.getInputStream());
                startup(socket);
                assertThat(readUntilReady(in, socket)).as("authenticated").isTrue();
                send(socket, 'Q', "BEGIN; CREATE TABLE public.left_open (x int); SET search_path = nowhere; "
                        + "CREATE TEMP TABLE scratch (x int); PREPARE leftover AS SELECT 1");
                assertThat(readUntilReady(in, socket)).as("statements run").isTrue();
                socket.setSoLinger(true, 0);
            }
            try (Connection c = connect(server)) {
                assertThat(value(c, "SELECT coalesce(to_regclass('public.left_open')::text, 'none')"))
                        .as("the reset client's uncommitted table").isEqualTo("none");
                assertThat(value(c, "SELECT coalesce(to_regclass('pg_temp.scratch')::text, 'none')"))
                        .as("the reset client's temporary table").isEqualTo("none");
                assertThat(value(c, "SELECT count(*) FROM pg_prepared_statements"))
                        .as("the reset client's prepared statements").isEqualTo("0");
                assertThat(value(c, "SHOW search_path")).as("search_path as a new session has it").isEqualTo("public");
                assertThat(value(c, "SELECT pg_current_xact_id_if_assigned() IS NULL"))
                        .as("a transaction of its own, which has written nothing yet").isEqualTo("t");
            }
        }
    }

    /** A statement larger than one TCP read reaches PGlite whole. */
    @Test
    void aStatementLargerThanOneReadRunsWhole() throws Exception {
        try (LocalTimescale server = LocalTimescale.start(); Connection c = connect(server)) {
            String literal = "x".repeat(1_000_000);
            assertThat(value(c, "SELECT length('" + literal + "')")).isEqualTo("1000000");
            assertThat(value(c, "SELECT 1")).as("the connection still works").isEqualTo("1");
        }
    }

    /** A connection whose reads fail after a minute: a broken server fails the test instead of hanging it. */
    private static Connection connect(LocalTimescale server) throws SQLException {
        return DriverManager.getConnection(server.jdbcUrl() + "&socketTimeout=60", LocalTimescale.USER,
                LocalTimescale.PASSWORD);
    }

    private static void startup(Socket socket) throws IOException {
        byte[] parameters = "user\0postgres\0database\0postgres\0\0".getBytes(StandardCharsets.US_ASCII);
        DataOutputStream out = new DataOutputStream(socket.getOutputStream());
        out.writeInt(8 + parameters.length);
        out.writeInt(196608);
        out.write(parameters);
        out.flush();
    }

    private static void send(Socket socket, char type, String body) throws IOException {
        byte[] bytes = (body + "\0").getBytes(StandardCharsets.UTF_8);
        DataOutputStream out = new DataOutputStream(socket.getOutputStream());
        out.writeByte(type);
        out.writeInt(4 + bytes.length);
        out.write(bytes);
        out.flush();
    }

    /**
     * Reads messages until ReadyForQuery, answering a password request (clear text or MD5). False
     * on an ErrorResponse.
     */
    private static boolean readUntilReady(DataInputStream in, Socket socket) throws Exception {
        boolean ok = true;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no ReadyForQuery within 60 s");
            }
            int type = in.readUnsignedByte();
            int length = in.readInt();
            if (length < 4 || length > 1 << 20) {
                throw new AssertionError("a message of type " + (char) type + " and length " + length
                        + ": the protocol exchange is broken");
            }
            byte[] body = new byte[length - 4];
            in.readFully(body);
            if (type == 'R' && body.length == 4 && body[3] == 3) {
                send(socket, 'p', LocalTimescale.PASSWORD);
            } else if (type == 'R' && body.length == 8 && body[3] == 5) {
                String inner = md5Hex((LocalTimescale.PASSWORD + LocalTimescale.USER).getBytes(StandardCharsets.UTF_8));
                byte[] salted = new byte[inner.length() + 4];
                System.arraycopy(inner.getBytes(StandardCharsets.US_ASCII), 0, salted, 0, inner.length());
                System.arraycopy(body, 4, salted, inner.length(), 4);
                send(socket, 'p', "md5" + md5Hex(salted));
            } else if (type == 'E') {
                ok = false;
            } else if (type == 'Z') {
                return ok;
            }
        }
    }

    private static String md5Hex(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
    }

    private static String value(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).as(sql).isTrue();
            return rs.getString(1);
        }
    }
}
