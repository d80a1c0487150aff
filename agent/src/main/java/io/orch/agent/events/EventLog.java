package io.orch.agent.events;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A manager's recent events and who listens for new ones. The past is a ring of at most
 * {@link #MAX_EVENTS} events and {@link #MAX_BYTES} bytes (Docker keeps 256 events per daemon;
 * orch's task events make more, so it keeps more), oldest dropped first: it lives in memory only,
 * so a restarted manager starts with what it applies from then on. A listener is called on the
 * publishing thread and must not block (the API's streams queue the event and return).
 */
public final class EventLog {
    public static final int MAX_EVENTS = 1024;
    public static final long MAX_BYTES = 4L * 1024 * 1024;

    private final int maxEvents;
    private final long maxBytes;
    private final ArrayDeque<ClusterEvent> ring = new ArrayDeque<>();
    private long bytes;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    public EventLog() {
        this(MAX_EVENTS, MAX_BYTES);
    }

    EventLog(int maxEvents, long maxBytes) {
        this.maxEvents = maxEvents;
        this.maxBytes = maxBytes;
    }

    /** One open subscription: close it when the client goes. */
    public interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    private record Listener(Predicate<ClusterEvent> filter, Consumer<ClusterEvent> sink) {}

    /** Records {@code event} and hands it to every listener whose filter it matches. */
    public synchronized void publish(ClusterEvent event) {
        ring.addLast(event);
        bytes += event.estimatedBytes();
        while (ring.size() > maxEvents || (bytes > maxBytes && ring.size() > 1)) {
            bytes -= ring.removeFirst().estimatedBytes();
        }
        for (Listener l : listeners) {
            if (l.filter().test(event)) {
                l.sink().accept(event);
            }
        }
    }

    /**
     * Hands {@code sink} the buffered events {@code filter} takes between {@code since} and
     * {@code until}, oldest first (Docker's loadBufferedEvents: none when neither bound is given),
     * then every new one it takes; atomically, so none is missed or seen twice.
     *
     * @param since  inclusive lower bound, or null
     * @param until  inclusive upper bound, or null
     * @param listen false for a request whose {@code until} has passed: the buffered events only
     */
    public synchronized Subscription subscribe(Predicate<ClusterEvent> filter, Instant since, Instant until, boolean listen,
                                               Consumer<ClusterEvent> sink) {
        if (since != null || until != null) {
            long from = since == null ? Long.MIN_VALUE : nanos(since);
            long to = until == null ? Long.MAX_VALUE : nanos(until);
            for (ClusterEvent e : ring) {
                if (e.timeNano() >= from && e.timeNano() <= to && filter.test(e)) {
                    sink.accept(e);
                }
            }
        }
        Listener listener = new Listener(filter, sink);
        if (listen) {
            listeners.add(listener);
        }
        return () -> listeners.remove(listener);
    }

    /** How many streams listen now (metrics, tests). */
    public int listeners() {
        return listeners.size();
    }

    public synchronized int size() {
        return ring.size();
    }

    /** Nanoseconds since the epoch, saturated: a bound centuries away is as good as none. */
    public static long nanos(Instant t) {
        try {
            return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
        } catch (ArithmeticException e) {
            return t.getEpochSecond() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }
}
