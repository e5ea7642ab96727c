package io.pg2ts.sink.apply;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * Where a task stands in each partition it owns: the position, the next offset it has not seen
 * (neither buffered nor applied), and the next offset committed on the target. A record below the
 * position is skipped, as it is already applied or buffered.
 */
public final class PartitionOffsets {

    private static final class State {
        long position = -1;
        long committed = -1;
        long firstSeen = -1;
        boolean resolved;
    }

    private final Map<TopicPartition, State> states = new HashMap<>();

    /** Those of {@code partitions} whose stored offsets have not been read yet. */
    public Set<TopicPartition> unresolved(Collection<TopicPartition> partitions) {
        Set<TopicPartition> result = new LinkedHashSet<>();
        for (TopicPartition partition : partitions) {
            State state = states.get(partition);
            if (state == null || !state.resolved) {
                result.add(partition);
            }
        }
        return result;
    }

    /** Takes the offsets stored for {@code partitions}; those without one start wherever their records start. */
    public void resolved(Collection<TopicPartition> partitions, Map<TopicPartition, Long> stored) {
        for (TopicPartition partition : partitions) {
            State state = states.computeIfAbsent(partition, p -> new State());
            Long next = stored.get(partition);
            if (next != null) {
                state.committed = next;
                state.position = Math.max(state.position, next);
            }
            state.resolved = true;
        }
    }

    /** Whether the record at {@code offset} is neither applied nor buffered yet. */
    public boolean isNew(TopicPartition partition, long offset) {
        State state = states.get(partition);
        return state == null || offset >= state.position;
    }

    /** Notes that the record at {@code offset} is buffered, or needs nothing applied. */
    public void advance(TopicPartition partition, long offset) {
        State state = states.computeIfAbsent(partition, p -> new State());
        if (state.firstSeen < 0) {
            state.firstSeen = offset;
        }
        state.position = offset + 1;
    }

    /** The position of every partition with records seen since its last commit: what a flush stores. */
    public Map<TopicPartition, Long> uncommitted() {
        Map<TopicPartition, Long> result = new HashMap<>();
        states.forEach((partition, state) -> {
            if (state.position > state.committed) {
                result.put(partition, state.position);
            }
        });
        return result;
    }

    /** Notes offsets that are now committed on the target. */
    public void committed(Map<TopicPartition, Long> offsets) {
        offsets.forEach((partition, next) -> {
            State state = states.get(partition);
            if (state != null) {
                state.committed = next;
            }
        });
    }

    /** The next committed offset of every partition that has one. */
    public Map<TopicPartition, Long> committedOffsets() {
        Map<TopicPartition, Long> result = new HashMap<>();
        states.forEach((partition, state) -> {
            if (state.committed >= 0) {
                result.put(partition, state.committed);
            }
        });
        return result;
    }

    public void forget(Collection<TopicPartition> partitions) {
        partitions.forEach(states::remove);
    }

    /**
     * Goes back to the committed offsets after buffered changes were dropped, and marks every
     * partition to have its stored offset read again, in case a commit went through unseen.
     *
     * @return where each partition must be read again from, for those where that is known
     */
    public Map<TopicPartition, Long> rewind() {
        Map<TopicPartition, Long> result = new HashMap<>();
        states.forEach((partition, state) -> {
            long from = state.committed >= 0 ? state.committed : state.firstSeen;
            if (from >= 0) {
                result.put(partition, from);
            }
            state.position = state.committed;
            state.firstSeen = -1;
            state.resolved = false;
        });
        return result;
    }
}
