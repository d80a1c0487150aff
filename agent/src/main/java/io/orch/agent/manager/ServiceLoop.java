package io.orch.agent.manager;

import io.orch.agent.loop.StoreLoop;
import io.orch.api.proto.Task;
import io.orch.raft.store.ClusterStore;
import io.orch.raft.store.ReadTx;
import io.orch.raft.store.StoreEvent;
import io.orch.raft.store.StoreException;
import io.orch.raft.store.TooLargeException;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A control loop that reconciles one service at a time (the orchestrator, the updater): a
 * service is looked at again when it or one of its tasks changes, when a wake-up it asked for
 * comes due, and on every full pass (node and cluster changes can touch every service). A
 * service whose write conflicted with a concurrent one is simply read again next turn. One whose
 * write the store refuses as too large (tasks near its object cap) is logged and left to its next
 * change: the same write would be refused again, and must not hold up the other services.
 */
abstract class ServiceLoop extends StoreLoop {
    /**
     * How often a loop with nothing to do still looks at every service. Everything that changes a
     * service reaches the loop as an event, and its timers as wake-ups, so the idle pass is only a
     * safety net; one each second cost a store transaction per service per loop on a node at rest.
     */
    static final Duration IDLE_FULL_PASS = Duration.ofSeconds(10);

    private final Set<String> dirty = new HashSet<>();
    private final Map<String, Instant> wakes = new HashMap<>();
    private boolean all;
    private Instant lastFullPass;

    protected ServiceLoop(String name, ClusterStore store) {
        super(name, store);
    }

    /** Reconciles one service (which may no longer exist) in one store transaction. */
    protected abstract void reconcileService(String serviceId, Instant now) throws StoreException;

    /** The services a full pass looks at: every service in the store. */
    protected void addAllServiceIds(ReadTx read, Set<String> into) {
        read.services().forEach(s -> into.add(s.getId()));
    }

    /** Looks at {@code serviceId} again on the next turn. */
    protected final void again(String serviceId) {
        dirty.add(serviceId);
    }

    /** Looks at {@code serviceId} again at {@code when} (null: no wake-up needed). */
    protected final void wakeAt(String serviceId, Instant when) {
        if (when == null) {
            wakes.remove(serviceId);
        } else {
            wakes.put(serviceId, when);
        }
    }

    /** A loop that (re)starts, on a new leader say, looks at everything at once. */
    @Override
    public final void begin(Instant now) {
        all = true;
        lastFullPass = now;
    }

    /** The driver's idle pass (and a retry): a full pass at most every {@link #IDLE_FULL_PASS}; due wake-ups and dirty services always run. */
    @Override
    protected final void markAll(Instant now) {
        if (lastFullPass == null || !now.isBefore(lastFullPass.plus(IDLE_FULL_PASS))) {
            all = true;
            lastFullPass = now;
        }
    }

    @Override
    protected final void mark(StoreEvent event) {
        switch (event.kind()) {
            case SERVICE -> dirty.add(event.id());
            case TASK -> dirty.add(((Task) event.object()).getServiceId());
            default -> all = true;
        }
    }

    @Override
    protected final Instant reconcile(Instant now) throws StoreException {
        wakes.entrySet().removeIf(e -> {
            if (!e.getValue().isAfter(now)) {
                dirty.add(e.getKey());
                return true;
            }
            return false;
        });
        if (all) {
            all = false;
            store.read(r -> {
                addAllServiceIds(r, dirty);
                return null;
            });
        }
        Set<String> work = new HashSet<>(dirty);
        dirty.clear();
        for (var it = work.iterator(); it.hasNext(); ) {
            String serviceId = it.next();
            try {
                reconcileService(serviceId, now);
                it.remove();
            } catch (TooLargeException e) {
                log.warn("service {} not reconciled: {}", serviceId, e.getMessage());
                it.remove();
            } catch (StoreException | RuntimeException e) {
                // a concurrent write (API, another loop, a worker): this one and those not reached yet are read again next turn
                dirty.addAll(work);
                throw e;
            }
        }
        return wakes.values().stream().min(Instant::compareTo).orElse(null);
    }
}
