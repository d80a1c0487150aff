package io.orch.gossip;

import com.google.protobuf.CodedOutputStream;
import io.orch.gossip.wire.Gossip;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Broadcasts waiting to be piggybacked, each sent a limited number of times (memberlist's
 * TransmitLimitedQueue idea). Packets take the least-transmitted, newest messages first, so fresh
 * news spreads before old news is repeated. A message about a member supersedes any queued message
 * with the same key: a later ALIVE makes an earlier SUSPECT pointless to send.
 */
final class BroadcastQueue {

    /** Bytes a repeated {@code gossip} entry costs beyond its message: tag (2) + length prefix. */
    static int entrySize(int messageSize) {
        return 2 + CodedOutputStream.computeUInt32SizeNoTag(messageSize);
    }

    private static final int MIN_USEFUL_SPACE = 12;
    private static final int MAX_SCANNED = 512;

    private static final class Item {
        final String key;
        final Gossip gossip;
        final int bytes;
        final long id;
        final Runnable onDone;
        int transmits;

        Item(String key, Gossip gossip, long id, Runnable onDone) {
            this.key = key;
            this.gossip = gossip;
            int size = gossip.getSerializedSize();
            this.bytes = size + entrySize(size);
            this.id = id;
            this.onDone = onDone;
        }
    }

    private static final Comparator<Item> FEWEST_TRANSMITS_NEWEST_FIRST =
            Comparator.<Item>comparingInt(i -> i.transmits).thenComparing(i -> -i.id);

    private final TreeSet<Item> queue = new TreeSet<>(FEWEST_TRANSMITS_NEWEST_FIRST);
    private final Map<String, Item> byKey = new HashMap<>();
    private long nextId;

    void enqueue(String key, Gossip gossip) {
        enqueue(key, gossip, null);
    }

    /** Queues {@code gossip}, replacing a queued message with the same key; {@code onDone} runs when it is sent out or replaced. */
    void enqueue(String key, Gossip gossip, Runnable onDone) {
        Item previous = byKey.remove(key);
        if (previous != null) {
            queue.remove(previous);
            finished(previous);
        }
        Item item = new Item(key, gossip, nextId++, onDone);
        byKey.put(key, item);
        queue.add(item);
    }

    /**
     * Takes messages fitting in {@code budget} bytes (already including per-entry overhead), counting a
     * transmission for each and dropping those that reached {@code transmitLimit}. Appends to {@code out}
     * and returns the bytes used.
     */
    int take(int budget, int transmitLimit, List<Gossip> out) {
        if (queue.isEmpty() || budget < MIN_USEFUL_SPACE) {
            return 0;
        }
        List<Item> chosen = new ArrayList<>();
        int used = 0;
        int scanned = 0;
        for (Item item : queue) {
            if (budget - used < MIN_USEFUL_SPACE || ++scanned > MAX_SCANNED) {
                break;
            }
            if (item.bytes <= budget - used) {
                chosen.add(item);
                used += item.bytes;
            }
        }
        for (Item item : chosen) {
            queue.remove(item);
            out.add(item.gossip);
            item.transmits++;
            if (item.transmits >= transmitLimit) {
                byKey.remove(item.key);
                finished(item);
            } else {
                queue.add(item);
            }
        }
        return used;
    }

    /** Drops the most-transmitted messages beyond {@code max} (only used for the user queue). */
    void trimTo(int max) {
        while (queue.size() > max) {
            Item last = queue.pollLast();
            byKey.remove(last.key);
            finished(last);
        }
    }

    int size() {
        return queue.size();
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    private static void finished(Item item) {
        if (item.onDone != null) {
            item.onDone.run();
        }
    }
}
