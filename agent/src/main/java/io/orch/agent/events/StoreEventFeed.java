package io.orch.agent.events;

import io.orch.api.concurrent.DaemonThreads;
import io.orch.api.proto.Service;
import io.orch.raft.store.ClusterStore;
import io.orch.raft.store.ObjectKind;
import io.orch.raft.store.StoreEvent;
import io.orch.raft.store.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * On every manager: watches the store replica and publishes what each applied change means to
 * users as a {@link ClusterEvent} into the manager's {@link EventLog} ({@link StoreEventTranslator}).
 * Each manager does it for the changes it applies, so any manager answers {@code GET /events};
 * events come in log order, the same on every manager (a remove's time is each manager's own).
 */
public final class StoreEventFeed implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StoreEventFeed.class);
    /** Names of removed services, for the events of their tasks removed after them (bounded, oldest out). */
    private static final int REMOVED_SERVICE_NAMES = 256;

    private final ClusterStore store;
    private final EventLog events;
    private final Clock clock;
    private final Subscription changes;
    private final Map<String, String> removedServices = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > REMOVED_SERVICE_NAMES;
        }
    };
    /**
     * Services' names as of the change being published, kept from the changes themselves: the
     * store's current state may already be past it (a service removed in the next entry), and a
     * task's event must name its service as it was then. Seeded from the store when the watch
     * starts; touched only by the feed's thread afterwards.
     */
    private final Map<String, String> serviceNames = new HashMap<>();
    private final Thread thread;
    private volatile boolean closed;

    public StoreEventFeed(ClusterStore store, EventLog events, Clock clock) {
        this.store = store;
        this.events = events;
        this.clock = clock;
        this.changes = store.watch(e -> e.kind() != ObjectKind.CLUSTER);
        // after the watch began: a service created in between is seen twice, which is harmless
        store.read(tx -> tx.services()).forEach(s -> serviceNames.put(s.getId(), s.getSpec().getName()));
        this.thread = DaemonThreads.start("orch-events", this::run);
    }

    public EventLog events() {
        return events;
    }

    private void run() {
        while (!closed) {
            try {
                for (StoreEvent change : changes.pollAll(Duration.ofSeconds(1))) {
                    publish(change);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("turning a store change into an event failed: {}", e.toString());
            }
        }
    }

    private void publish(StoreEvent change) {
        if (change.kind() == ObjectKind.SERVICE) {
            if (change.type() == StoreEvent.Type.DELETE) {
                Service s = (Service) change.before();
                serviceNames.remove(s.getId());
                removedServices.put(s.getId(), s.getSpec().getName());
            } else {
                Service s = (Service) change.object();
                serviceNames.put(s.getId(), s.getSpec().getName());
            }
        }
        StoreEventTranslator.translate(change, clock.instant(), this::serviceName).ifPresent(events::publish);
    }

    private Optional<String> serviceName(String id) {
        String name = serviceNames.get(id);
        return Optional.ofNullable(name != null ? name : removedServices.get(id));
    }

    @Override
    public void close() {
        closed = true;
        changes.close();
        thread.interrupt();
    }
}
