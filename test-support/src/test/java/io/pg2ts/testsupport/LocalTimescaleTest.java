package io.pg2ts.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class LocalTimescaleTest {

    /**
     * A JVM that closes a socket with unread data sends a reset; pglite-socket then rejects a
     * promise nobody awaits, which ended the whole server (a CI run failed with "connection
     * refused" in TimescaleIT).
     */
    @Test
    void aClientThatResetsItsConnectionLeavesTheServerServingTheNextOne() throws Exception {
        try (LocalTimescale server = LocalTimescale.start()) {
            try (Socket socket = new Socket("127.0.0.1", server.port())) {
                byte[] parameters = "user\0postgres\0database\0postgres\0\0".getBytes(StandardCharsets.US_ASCII);
                DataOutputStream out = new DataOutputStream(socket.getOutputStream());
                out.writeInt(8 + parameters.length);
                out.writeInt(196608);
                out.write(parameters);
                out.flush();
                InputStream in = socket.getInputStream();
                assertThat(in.read()).as("the server's first answer").isNotNegative();
                socket.setSoLinger(true, 0);
            }
            try (Connection c = server.connect(); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT extname FROM pg_extension WHERE extname = 'timescaledb'")) {
                assertThat(rs.next()).as("timescaledb installed").isTrue();
            }
        }
    }
}
