package io.orch.raft.store;

import io.orch.api.proto.ReplicatedService;
import io.orch.api.proto.Service;
import io.orch.api.proto.ServiceMode;
import io.orch.api.proto.ServiceSpec;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskState;
import io.orch.api.proto.TaskStatus;
import io.orch.raft.LocalProposer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterStoreTest {
    private ClusterStore store;

    @BeforeEach
    void start() throws Exception {
        store = new ClusterStore(new LocalProposer(), Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC));
        store.start();
    }

    static Service service(String id, String name, long replicas) {
        return Service.newBuilder().setId(id).setSpec(ServiceSpec.newBuilder().setName(name)
                .setMode(ServiceMode.newBuilder().setReplicated(ReplicatedService.newBuilder().setReplicas(replicas)))).build();
    }

    static Task task(String id, String serviceId, long slot) {
        return Task.newBuilder().setId(id).setServiceId(serviceId).setSlot(slot).setNodeId("n1")
                .setDesiredState(TaskState.RUNNING).build();
    }

    @Test
    void createStampsVersionAndTimesFromTheLogIndex() throws Exception {
        long index = store.updateAndWait(tx -> tx.create(service("s1", "web", 3)));
        Service s = store.read(r -> r.service("s1")).orElseThrow();
        assertEquals(index, s.getVersion().getIndex());
        assertEquals("2026-01-02T03:04:05Z", io.orch.api.json.DockerJson.formatTimestamp(s.getCreatedAt()));
        assertEquals("s1", store.read(r -> r.serviceByName("web")).orElseThrow().getId());
    }

    @Test
    void staleUpdateIsRejectedAndChangesNothing() throws Exception {
        store.updateAndWait(tx -> tx.create(service("s1", "web", 3)));
        Service read = store.read(r -> r.service("s1")).orElseThrow();
        store.updateAndWait(tx -> tx.update(read.toBuilder().setSpec(read.getSpec().toBuilder().setName("web2")).build()));
        StoreException e = assertThrows(StoreException.class, () -> store.updateAndWait(tx -> tx.update(
                read.toBuilder().setSpec(read.getSpec().toBuilder().setName("web3")).build())));
        assertEquals(StoreException.Reason.CONFLICT, e.reason());
        assertTrue(e.getMessage().contains("update out of sequence"), e.getMessage());
        assertEquals("web2", store.read(r -> r.service("s1")).orElseThrow().getSpec().getName());
    }

    @Test
    void duplicateNameIsRejectedAtomically() throws Exception {
        store.updateAndWait(tx -> tx.create(service("s1", "web", 3)));
        StoreException e = assertThrows(StoreException.class, () -> store.updateAndWait(tx -> {
            tx.create(service("s2", "api", 1));
            tx.create(service("s3", "web", 1));
        }));
        assertTrue(e.getMessage().contains("\"web\" is already in use"), e.getMessage());
        assertTrue(store.read(r -> r.service("s2")).isEmpty(), "nothing of a rejected transaction is applied");
    }

    @Test
    void taskStatusNeverMovesBackwards() throws Exception {
        store.updateAndWait(tx -> tx.create(task("t1", "s1", 1)));
        store.updateAndWait(tx -> tx.updateTaskStatus("t1", TaskStatus.newBuilder().setState(TaskState.RUNNING).build()));
        store.updateAndWait(tx -> tx.updateTaskStatus("t1", TaskStatus.newBuilder().setState(TaskState.STARTING).build()));
        assertEquals(TaskState.RUNNING, store.read(r -> r.task("t1")).orElseThrow().getStatus().getState());
        store.updateAndWait(tx -> tx.updateTaskStatus("t1", TaskStatus.newBuilder().setState(TaskState.FAILED).build()));
        assertEquals(TaskState.FAILED, store.read(r -> r.task("t1")).orElseThrow().getStatus().getState());
    }

    @Test
    void statusReportDoesNotClobberADesiredStateChange() throws Exception {
        store.updateAndWait(tx -> tx.create(task("t1", "s1", 1)));
        Task read = store.read(r -> r.task("t1")).orElseThrow();
        store.updateAndWait(tx -> tx.update(read.toBuilder().setDesiredState(TaskState.SHUTDOWN).build()));
        store.updateAndWait(tx -> tx.updateTaskStatus("t1", TaskStatus.newBuilder().setState(TaskState.RUNNING).build()));
        Task now = store.read(r -> r.task("t1")).orElseThrow();
        assertEquals(TaskState.SHUTDOWN, now.getDesiredState());
        assertEquals(TaskState.RUNNING, now.getStatus().getState());
    }

    @Test
    void indexesFollowUpdatesAndDeletes() throws Exception {
        store.updateAndWait(tx -> {
            tx.create(task("t1", "s1", 1));
            tx.create(task("t2", "s1", 2));
            tx.create(task("t3", "s2", 1));
        });
        assertEquals(2, store.read(r -> r.tasksOfService("s1")).size());
        assertEquals(3, store.read(r -> r.tasksOfNode("n1")).size());
        Task t1 = store.read(r -> r.task("t1")).orElseThrow();
        store.updateAndWait(tx -> tx.update(t1.toBuilder().setNodeId("n2").build()));
        store.updateAndWait(tx -> tx.delete(store.read(r -> r.task("t2")).orElseThrow()));
        assertEquals(List.of("t3"), store.read(r -> r.tasksOfNode("n1")).stream().map(Task::getId).toList());
        assertEquals(List.of("t1"), store.read(r -> r.tasksOfService("s1")).stream().map(Task::getId).toList());
    }

    @Test
    void viewAndWatchDeliversExactlyTheLaterChanges() throws Exception {
        store.updateAndWait(tx -> tx.create(service("s1", "web", 1)));
        var vw = store.viewAndWatch(r -> r.services().size(), e -> e.kind() == ObjectKind.SERVICE);
        assertEquals(1, vw.view());
        store.updateAndWait(tx -> tx.create(service("s2", "api", 1)));
        store.updateAndWait(tx -> tx.create(task("t1", "s2", 1)));
        StoreEvent e = vw.subscription().poll(Duration.ofSeconds(5));
        assertEquals(StoreEvent.Type.CREATE, e.type());
        assertEquals("s2", e.id());
        assertNull(vw.subscription().poll(Duration.ofMillis(1)), "the task event is filtered out");
        vw.subscription().close();
    }

    @Test
    void snapshotRestoresTablesIndexesAndVersion() throws Exception {
        store.updateAndWait(tx -> {
            tx.create(service("s1", "web", 1));
            tx.create(task("t1", "s1", 1));
        });
        var snapshot = store.snapshot();
        ClusterStore other = new ClusterStore(new LocalProposer(), Clock.systemUTC());
        other.restore(snapshot);
        assertEquals(store.lastAppliedIndex(), other.lastAppliedIndex());
        assertEquals("s1", other.read(r -> r.serviceByName("web")).orElseThrow().getId());
        assertEquals(1, other.read(r -> r.tasksOfNode("n1")).size());
        assertEquals(snapshot, other.snapshot());
    }
}
