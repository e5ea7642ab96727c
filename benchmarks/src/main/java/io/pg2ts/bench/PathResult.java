package io.pg2ts.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What one path measured. Filled in phase by phase, so a path that fails in its streaming phase
 * still reports its snapshot.
 */
final class PathResult {

    /** Rows (or changes) moved in one phase and how long until the target equalled the source. */
    record Phase(long rows, Duration elapsed, Optional<Duration> workerCpu, Optional<Duration> inKafka) {

        Phase(long rows, Duration elapsed) {
            this(rows, elapsed, Optional.empty(), Optional.empty());
        }

        double rowsPerSecond() {
            return rows / Math.max(elapsed.toNanos() / 1e9, 1e-9);
        }

        /** The source's pace: rows over the time until its last event of the phase was in Kafka. */
        Optional<Double> sourceRowsPerSecond() {
            return inKafka.map(d -> rows / Math.max(d.toNanos() / 1e9, 1e-9));
        }

        /** CPU the Connect worker's JVM spent per row in this phase, all threads. */
        Optional<Double> workerCpuMicrosPerRow() {
            return workerCpu.map(cpu -> cpu.toNanos() / 1e3 / Math.max(rows, 1));
        }
    }

    /** The Connect worker JVM's heap: highest occupancy right after a collection, and highest at all. */
    record Heap(long maxAfterGcBytes, long peakBytes, String limit) {
    }

    private final String name;
    private final int round;
    private String label;
    private Phase snapshot;
    private Phase streaming;
    private Heap heap;
    private Phase backlog;
    private Heap backlogHeap;
    private String failure;
    private final List<String> notes = new ArrayList<>();

    private PathResult(String name, String label, int round) {
        this.name = name;
        this.label = label;
        this.round = round;
    }

    /** What a path measures in its {@code round}-th run (from 1) of the benchmark's {@code --runs}. */
    static PathResult measured(String name, String label, int round) {
        return new PathResult(name, label, round);
    }

    PathResult snapshot(long rows, Duration elapsed) {
        return snapshot(new Phase(rows, elapsed));
    }

    PathResult snapshot(Phase phase) {
        this.snapshot = phase;
        return this;
    }

    PathResult label(String label) {
        this.label = label;
        return this;
    }

    PathResult streaming(long changes, Duration elapsed) {
        return streaming(new Phase(changes, elapsed));
    }

    PathResult streaming(Phase phase) {
        this.streaming = phase;
        return this;
    }

    /** The sink alone, in a worker of its own, applying every event of both phases from Kafka. */
    PathResult backlog(Phase phase, Optional<Heap> heap) {
        this.backlog = phase;
        this.backlogHeap = heap.orElse(null);
        return this;
    }

    PathResult heap(Heap heap) {
        this.heap = heap;
        return this;
    }

    PathResult failed(String reason) {
        this.failure = reason;
        return this;
    }

    PathResult note(String note) {
        notes.add(note);
        return this;
    }

    String name() {
        return name;
    }

    int round() {
        return round;
    }

    String label() {
        return label;
    }

    Optional<Phase> snapshot() {
        return Optional.ofNullable(snapshot);
    }

    Optional<Phase> streaming() {
        return Optional.ofNullable(streaming);
    }

    Optional<Heap> heap() {
        return Optional.ofNullable(heap);
    }

    Optional<Phase> backlog() {
        return Optional.ofNullable(backlog);
    }

    Optional<Heap> backlogHeap() {
        return Optional.ofNullable(backlogHeap);
    }

    Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    List<String> notes() {
        return notes;
    }
}
