package io.orch.agent.manager;

import io.orch.api.proto.ContainerSpec;
import io.orch.api.proto.Service;
import io.orch.api.proto.ServiceSpec;
import io.orch.api.proto.TaskSpec;
import io.orch.raft.LocalProposer;
import io.orch.raft.store.ClusterStore;
import io.orch.raft.store.StoreException;
import io.orch.raft.store.Subscription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When a service loop looks at which services: events and wake-ups at once, everything only now and then. */
class ServiceLoopTest {
    private final Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    private ClusterStore store;
    private CountingLoop loop;
    private Subscription events;

    /** Records the services it is asked to reconcile; can be made to fail on one. */
    private static final class CountingLoop extends ServiceLoop {
        final List<String> seen = new ArrayList<>();
        String failOn;

        CountingLoop(ClusterStore store) {
            super("counting", store);
        }

        @Override
        public java.util.function.Predicate<io.orch.raft.store.StoreEvent> interest() {
            return e -> true;
        }

        @Override
        protected void reconcileService(String serviceId, Instant now) throws StoreException {
            if (serviceId.equals(failOn)) {
                failOn = null;
                throw new StoreException(StoreException.Reason.CONFLICT, "concurrent write");
            }
            seen.add(serviceId);
        }

        Set<String> drain() {
            Set<String> s = new HashSet<>(seen);
            seen.clear();
            return s;
        }
    }

    @BeforeEach
    void start() throws Exception {
        store = new ClusterStore(new LocalProposer(), Clock.fixed(t0, ZoneOffset.UTC));
        store.start();
        for (int i = 0; i < 5; i++) {
            Service s = Service.newBuilder().setId("svc" + i).setSpecVersion(1).setSpec(ServiceSpec.newBuilder().setName("s" + i)
                    .setTaskTemplate(TaskSpec.newBuilder().setContainerSpec(ContainerSpec.newBuilder().setImage("busybox")))).build();
            store.updateAndWait(tx -> tx.create(s));
        }
        loop = new CountingLoop(store);
        events = store.watch(loop.interest());
        events.pollAll(Duration.ZERO); // the creations above are not the loop's business
    }

    @AfterEach
    void stop() throws Exception {
        events.close();
        store.proposer().close();
    }

    private static Set<String> all() {
        return Set.of("svc0", "svc1", "svc2", "svc3", "svc4");
    }

    @Test
    void aStartedLoopLooksAtEverythingThenOnlyEveryFullPassPeriodWhileIdle() throws Exception {
        loop.begin(t0);
        loop.runOnce(List.of(), t0);
        assertEquals(all(), loop.drain(), "the first pass after begin is a full one");

        loop.runOnce(List.of(), t0.plusSeconds(1));
        assertEquals(Set.of(), loop.drain(), "an idle second later: nothing to look at");

        loop.runOnce(List.of(), t0.plus(ServiceLoop.IDLE_FULL_PASS));
        assertEquals(all(), loop.drain(), "the safety net's full pass comes every IDLE_FULL_PASS");

        loop.begin(t0.plus(ServiceLoop.IDLE_FULL_PASS).plusSeconds(1));
        loop.runOnce(List.of(), t0.plus(ServiceLoop.IDLE_FULL_PASS).plusSeconds(1));
        assertEquals(all(), loop.drain(), "a loop started again (a new leader) looks at everything at once");
    }

    @Test
    void anEventLooksAtItsServiceAtOnce() throws Exception {
        loop.begin(t0);
        loop.runOnce(List.of(), t0);
        loop.drain();
        store.updateAndWait(tx -> tx.update(tx.read().service("svc3").orElseThrow().toBuilder().setSpecVersion(2).build()));
        loop.runOnce(events.pollAll(Duration.ZERO), t0.plusSeconds(1));
        assertEquals(Set.of("svc3"), loop.drain());
    }

    @Test
    void aFailedPassLeavesTheFailedServiceAndThoseNotReachedForTheNextTurn() throws Exception {
        loop.begin(t0);
        loop.failOn = "svc2";
        assertThrows(StoreException.class, () -> loop.runOnce(List.of(), t0));
        Set<String> first = loop.drain();
        assertTrue(!first.contains("svc2"));

        loop.runOnce(List.of(), t0.plusSeconds(1)); // the retry: no full pass is due
        Set<String> second = loop.drain();
        assertTrue(second.contains("svc2"), "the failed one is read again");
        Set<String> both = new HashSet<>(first);
        both.addAll(second);
        assertEquals(all(), both, "none was dropped by the failure");
    }
}
