package io.pg2ts.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.GcInfo;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * The heap high-water marks of this JVM, from the garbage collector's own notifications: the most
 * heap in use right after a collection (what the live objects need, as an upper bound) and the
 * most in use at all. Written to a file every second and on shutdown, so the parent can read them
 * even after an out-of-memory exit.
 */
final class HeapWatermark {

    private static final String AFTER_GC = "max.after.gc.bytes";
    private static final String PEAK = "peak.bytes";
    private static final String LIMIT = "max.bytes";

    private final AtomicLong maxAfterGc = new AtomicLong();
    private final AtomicLong peak = new AtomicLong();
    private final Path file;

    private HeapWatermark(Path file) {
        this.file = file;
    }

    static HeapWatermark install(Path file) {
        HeapWatermark watermark = new HeapWatermark(file);
        Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP)
                .map(MemoryPoolMXBean::getName)
                .collect(Collectors.toSet());
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) collector).addNotificationListener((notification, handback) -> {
                if (notification.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
                    GcInfo info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData()).getGcInfo();
                    watermark.peak.accumulateAndGet(used(info.getMemoryUsageBeforeGc(), heapPools), Math::max);
                    watermark.maxAfterGc.accumulateAndGet(used(info.getMemoryUsageAfterGc(), heapPools), Math::max);
                }
            }, null, null);
        }
        Thread writer = new Thread(() -> {
            while (true) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
                watermark.write();
            }
        }, "heap-watermark");
        writer.setDaemon(true);
        writer.start();
        return watermark;
    }

    void write() {
        peak.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
        Properties values = new Properties();
        values.setProperty(AFTER_GC, Long.toString(maxAfterGc.get()));
        values.setProperty(PEAK, Long.toString(peak.get()));
        values.setProperty(LIMIT, Long.toString(Runtime.getRuntime().maxMemory()));
        try {
            Path next = file.resolveSibling(file.getFileName() + ".next");
            try (Writer out = Files.newBufferedWriter(next)) {
                values.store(out, "heap high-water marks of this JVM");
            }
            Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** The marks another JVM wrote, or empty when it wrote none. */
    static Optional<PathResult.Heap> read(Path file, String limit) {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Properties values = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            values.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return Optional.of(new PathResult.Heap(Long.parseLong(values.getProperty(AFTER_GC, "0")),
                Long.parseLong(values.getProperty(PEAK, "0")), limit));
    }

    private static long used(Map<String, MemoryUsage> pools, Set<String> heapPools) {
        return pools.entrySet().stream()
                .filter(pool -> heapPools.contains(pool.getKey()))
                .mapToLong(pool -> pool.getValue().getUsed())
                .sum();
    }
}
