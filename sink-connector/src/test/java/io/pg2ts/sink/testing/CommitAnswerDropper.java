package io.pg2ts.sink.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A TCP proxy in front of PostgreSQL that, once armed, lets the next COMMIT through to the server
 * but drops the server's answer and closes the client's connection: the commit happens, and the
 * client cannot know. Clients must not use server-prepared statements ({@code prepareThreshold=0}),
 * so the statement text is on the wire.
 */
public final class CommitAnswerDropper implements AutoCloseable {

    private final ServerSocket listener;
    private final int serverPort;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "commit-answer-dropper");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean armed;

    public CommitAnswerDropper(int serverPort) throws IOException {
        this.serverPort = serverPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.execute(this::accept);
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** The next COMMIT any client sends reaches the server, but its answer does not reach the client. */
    public void dropNextCommitAnswer() {
        armed = true;
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), serverPort);
                Connection connection = new Connection(client, server);
                threads.execute(connection::clientToServer);
                threads.execute(connection::serverToClient);
            } catch (IOException e) {
                return;
            }
        }
    }

    private final class Connection {
        private final Socket client;
        private final Socket server;
        private volatile boolean dropAnswer;

        Connection(Socket client, Socket server) {
            this.client = client;
            this.server = server;
        }

        void clientToServer() {
            byte[] buffer = new byte[65536];
            try (InputStream in = client.getInputStream(); OutputStream out = server.getOutputStream()) {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    if (armed && new String(buffer, 0, n, StandardCharsets.ISO_8859_1).contains("COMMIT")) {
                        armed = false;
                        dropAnswer = true;
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                closeBoth();
            }
        }

        void serverToClient() {
            byte[] buffer = new byte[65536];
            try (InputStream in = server.getInputStream(); OutputStream out = client.getOutputStream()) {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    if (dropAnswer) {
                        closeBoth();
                        return;
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                closeBoth();
            }
        }

        private void closeBoth() {
            try {
                client.close();
                server.close();
            } catch (IOException ignored) {
                // Closing is all that is left to do.
            }
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        threads.shutdownNow();
    }
}
