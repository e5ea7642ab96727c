package io.pg2ts.cli.verify;

import java.io.PrintStream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A line on a terminal's standard error, redrawn every second while tables are compared: tables
 * done and source rows compared. Off when standard output is not a terminal, so scripts and logs
 * get only the result lines.
 */
public final class VerifyProgress implements AutoCloseable {

    private static final String CLEAR_LINE = "\r\033[K";

    private final PrintStream terminal;
    private final int tables;
    private final AtomicLong rows = new AtomicLong();
    private final AtomicInteger done = new AtomicInteger();
    private final long started = System.nanoTime();
    private final ScheduledExecutorService ticker;

    private VerifyProgress(PrintStream terminal, int tables) {
        this.terminal = terminal;
        this.tables = tables;
        if (terminal == null) {
            ticker = null;
        } else {
            ticker = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "pg2ts-verify-progress");
                t.setDaemon(true);
                return t;
            });
            ticker.scheduleAtFixedRate(this::draw, 1, 1, TimeUnit.SECONDS);
        }
    }

    /** Shown on standard error when this process runs on a terminal; silent otherwise. */
    public static VerifyProgress onTerminal(int tables) {
        return to(System.console() != null ? System.err : null, tables);
    }

    /** Drawn on {@code terminal}, or silent when it is null. */
    static VerifyProgress to(PrintStream terminal, int tables) {
        return new VerifyProgress(terminal, tables);
    }

    public void compared(long sourceRows) {
        rows.addAndGet(sourceRows);
    }

    public void tableDone() {
        done.incrementAndGet();
    }

    /** Removes the line before a result line is printed. */
    public synchronized void clear() {
        if (terminal != null) {
            terminal.print(CLEAR_LINE);
            terminal.flush();
        }
    }

    /** The progress line, as shown. */
    public String line() {
        double seconds = Math.max(0.001, (System.nanoTime() - started) / 1e9);
        return String.format("verifying: %d of %d tables done, %,d source rows compared (%,.0f rows/s)", done.get(),
                tables, rows.get(), rows.get() / seconds);
    }

    private synchronized void draw() {
        terminal.print(CLEAR_LINE + line());
        terminal.flush();
    }

    @Override
    public void close() {
        if (ticker != null) {
            ticker.shutdownNow();
            clear();
        }
    }
}
