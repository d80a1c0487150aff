package io.orch.agent.events;

import io.orch.api.proto.Service;
import io.orch.api.proto.ServiceSpec;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskState;
import io.orch.api.proto.TaskStatus;
import io.orch.raft.LocalProposer;
import io.orch.raft.store.ClusterStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** A manager's feed: the changes its replica applies become events in its log, in log order. */
class StoreEventFeedTest {
    private final ClusterStore store = new ClusterStore(new LocalProposer(), Clock.systemUTC());
    private final EventLog log = new EventLog();
    private StoreEventFeed feed;

    @AfterEach
    void tearDown() throws Exception {
        if (feed != null) {
            feed.close();
        }
        store.proposer().close();
    }

    private List<String> seen() {
        List<String> out = new ArrayList<>();
        log.subscribe(EventFilter.all(), Instant.EPOCH, null, false,
                e -> out.add(e.type() + " " + e.action() + " " + e.attributes()));
        return out;
    }

    @Test
    void appliedChangesBecomeEventsAndATaskKeepsItsRemovedServicesName() throws Exception {
        store.start();
        feed = new StoreEventFeed(store, log, Clock.systemUTC());
        Service web = Service.newBuilder().setId("svc1").setSpec(ServiceSpec.newBuilder().setName("web")).build();
        Task task = Task.newBuilder().setId("task1").setServiceId("svc1").setSlot(1).setDesiredState(TaskState.RUNNING)
                .setStatus(TaskStatus.newBuilder().setState(TaskState.RUNNING)).build();
        store.updateAndWait(tx -> {
            tx.create(web);
            tx.create(task);
        });
        store.updateAndWait(tx -> tx.delete(tx.read().service("svc1").orElseThrow()));
        store.updateAndWait(tx -> tx.update(tx.read().task("task1").orElseThrow().toBuilder().setDesiredState(TaskState.REMOVE).build()));

        await("four events").atMost(Duration.ofSeconds(10)).until(() -> log.size() == 4);
        assertEquals(List.of(
                "service create {name=web}",
                "task create {name=web.1.task1, service=web}",
                "service remove {name=web}",
                "task update {desiredstate.new=remove, desiredstate.old=running, name=web.1.task1, service=web}"), seen());
    }
}
