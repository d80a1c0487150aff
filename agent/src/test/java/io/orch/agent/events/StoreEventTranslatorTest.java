package io.orch.agent.events;

import com.google.protobuf.Timestamp;
import io.orch.api.proto.ContainerSpec;
import io.orch.api.proto.ManagerStatus;
import io.orch.api.proto.Network;
import io.orch.api.proto.NetworkSpec;
import io.orch.api.proto.Node;
import io.orch.api.proto.NodeDescription;
import io.orch.api.proto.NodeSpec;
import io.orch.api.proto.NodeStatus;
import io.orch.api.proto.ReplicatedService;
import io.orch.api.proto.Secret;
import io.orch.api.proto.SecretSpec;
import io.orch.api.proto.Service;
import io.orch.api.proto.ServiceMode;
import io.orch.api.proto.ServiceSpec;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskSpec;
import io.orch.api.proto.TaskState;
import io.orch.api.proto.TaskStatus;
import io.orch.api.proto.UpdateStatus;
import io.orch.api.proto.Version;
import io.orch.raft.store.ObjectKind;
import io.orch.raft.store.StoreEvent;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What each store change becomes as a Docker event (moby daemon/events.go's attributes and times). */
class StoreEventTranslatorTest {
    private static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");
    private static final Timestamp CREATED = Timestamp.newBuilder().setSeconds(1_800_000_000L).setNanos(5).build();
    private static final Timestamp UPDATED = Timestamp.newBuilder().setSeconds(1_800_000_100L).setNanos(7).build();

    private static ClusterEvent translate(StoreEvent e) {
        return StoreEventTranslator.translate(e, NOW, id -> id.equals("svc1") ? Optional.of("web") : Optional.empty())
                .orElseThrow(() -> new AssertionError("no event for " + e));
    }

    private static Optional<ClusterEvent> maybe(StoreEvent e) {
        return StoreEventTranslator.translate(e, NOW, id -> Optional.empty());
    }

    private static Service service(int replicas, String image) {
        return Service.newBuilder().setId("svc1").setVersion(Version.newBuilder().setIndex(3)).setCreatedAt(CREATED).setUpdatedAt(CREATED)
                .setSpec(ServiceSpec.newBuilder().setName("web").putLabels("tier", "front")
                        .setTaskTemplate(TaskSpec.newBuilder().setContainerSpec(ContainerSpec.newBuilder().setImage(image)))
                        .setMode(ServiceMode.newBuilder().setReplicated(ReplicatedService.newBuilder().setReplicas(replicas))))
                .build();
    }

    private static Node node(NodeStatus.State state) {
        return Node.newBuilder().setId("node1").setCreatedAt(CREATED).setUpdatedAt(CREATED)
                .setSpec(NodeSpec.newBuilder().setRole(NodeSpec.Role.WORKER).setAvailability(NodeSpec.Availability.ACTIVE))
                .setDescription(NodeDescription.newBuilder().setHostname("w1"))
                .setStatus(NodeStatus.newBuilder().setState(state)).build();
    }

    private static StoreEvent update(ObjectKind kind, com.google.protobuf.Message before, com.google.protobuf.Message after) {
        return new StoreEvent(StoreEvent.Type.UPDATE, kind, before, after, 9);
    }

    @Test
    void aCreatedServiceIsACreateEventAtItsCreationTimeWithItsName() {
        ClusterEvent e = translate(new StoreEvent(StoreEvent.Type.CREATE, ObjectKind.SERVICE, null, service(2, "busybox"), 3));
        assertEquals("service", e.type());
        assertEquals("create", e.action());
        assertEquals("svc1", e.actorId());
        assertEquals(Map.of("name", "web"), e.attributes());
        assertEquals(1_800_000_000_000_000_005L, e.timeNano());
        assertEquals(Map.of("tier", "front"), e.labels());
    }

    @Test
    void aServiceUpdateReportsReplicasImageAndUpdateStateChangesAtItsUpdateTime() {
        Service before = service(2, "busybox");
        Service after = service(5, "nginx").toBuilder().setUpdatedAt(UPDATED)
                .setUpdateStatus(UpdateStatus.newBuilder().setState(UpdateStatus.State.UPDATING)).build();
        ClusterEvent e = translate(update(ObjectKind.SERVICE, before, after));
        assertEquals("update", e.action());
        assertEquals(Map.of("name", "web", "replicas.old", "2", "replicas.new", "5", "image.old", "busybox", "image.new", "nginx",
                "updatestate.new", "updating"), e.attributes());
        assertEquals(1_800_000_100_000_000_007L, e.timeNano());

        Service done = after.toBuilder().setUpdateStatus(UpdateStatus.newBuilder().setState(UpdateStatus.State.ROLLBACK_COMPLETED)).build();
        assertEquals(Map.of("name", "web", "updatestate.old", "updating", "updatestate.new", "rollback_completed"),
                translate(update(ObjectKind.SERVICE, after, done)).attributes());
    }

    @Test
    void aRemovedServiceIsARemoveEventAtTheTimeItIsSeen() {
        ClusterEvent e = translate(new StoreEvent(StoreEvent.Type.DELETE, ObjectKind.SERVICE, service(2, "busybox"), null, 4));
        assertEquals("remove", e.action());
        assertEquals(Map.of("name", "web"), e.attributes());
        assertEquals(NOW.getEpochSecond() * 1_000_000_000L, e.timeNano());
    }

    @Test
    void aNodeGoingDownIsAnUpdateWithItsOldAndNewState() {
        Node up = node(NodeStatus.State.READY);
        Node down = node(NodeStatus.State.DOWN).toBuilder().setUpdatedAt(UPDATED).build();
        ClusterEvent e = translate(update(ObjectKind.NODE, up, down));
        assertEquals("node", e.type());
        assertEquals("update", e.action());
        assertEquals(Map.of("name", "w1", "state.old", "ready", "state.new", "down"), e.attributes());
    }

    @Test
    void aNodeReportsAvailabilityRoleLeadershipAndReachability() {
        Node before = node(NodeStatus.State.READY).toBuilder()
                .setManagerStatus(ManagerStatus.newBuilder().setLeader(true).setReachability(ManagerStatus.Reachability.REACHABLE)).build();
        Node after = before.toBuilder()
                .setSpec(before.getSpec().toBuilder().setName("edge").setAvailability(NodeSpec.Availability.DRAIN).setRole(NodeSpec.Role.MANAGER))
                .setManagerStatus(ManagerStatus.newBuilder().setLeader(false).setReachability(ManagerStatus.Reachability.UNREACHABLE)).build();
        assertEquals(Map.of("name", "edge", "availability.old", "active", "availability.new", "drain", "role.old", "worker",
                        "role.new", "manager", "leader.old", "true", "leader.new", "false", "reachability.old", "reachable",
                        "reachability.new", "unreachable"),
                translate(update(ObjectKind.NODE, before, after)).attributes());
    }

    @Test
    void writesThatChangeNothingUsersSeeAreNoEvents() {
        Node n = node(NodeStatus.State.READY);
        assertFalse(maybe(update(ObjectKind.NODE, n, n.toBuilder().setVersion(Version.newBuilder().setIndex(12)).setUpdatedAt(UPDATED)
                .build())).isPresent(), "a node rewritten as it was");
        Network net = Network.newBuilder().setId("net1").setSpec(NetworkSpec.newBuilder().setName("backend")).setAllocationCursor(3).build();
        assertFalse(maybe(update(ObjectKind.NETWORK, net, net.toBuilder().setAllocationCursor(4).build())).isPresent(),
                "an address handed out on a network");
        assertTrue(maybe(update(ObjectKind.NETWORK, net, net.toBuilder().setSpec(net.getSpec().toBuilder().putLabels("a", "b"))
                .build())).isPresent(), "a network whose spec changed");
        assertFalse(maybe(new StoreEvent(StoreEvent.Type.UPDATE, ObjectKind.CLUSTER,
                io.orch.api.proto.Cluster.getDefaultInstance(), io.orch.api.proto.Cluster.getDefaultInstance(), 2)).isPresent(),
                "the cluster object has no events, as in Docker");
    }

    @Test
    void secretsCarryTheirNameOnlyNeverTheirData() {
        Secret s = Secret.newBuilder().setId("sec1").setCreatedAt(CREATED)
                .setSpec(SecretSpec.newBuilder().setName("db-password").setData(com.google.protobuf.ByteString.copyFromUtf8("hunter2"))).build();
        ClusterEvent e = translate(new StoreEvent(StoreEvent.Type.CREATE, ObjectKind.SECRET, null, s, 5));
        assertEquals("secret", e.type());
        assertEquals(Map.of("name", "db-password"), e.attributes());
        assertFalse(e.toJson().toString().contains("hunter2"));
    }

    @Test
    void taskEventsNameTheirServiceAndNodeAndOnlyStateMovesAreUpdates() {
        Task t = Task.newBuilder().setId("task1").setServiceId("svc1").setSlot(2).setNodeId("node1").setCreatedAt(CREATED)
                .setDesiredState(TaskState.RUNNING).setStatus(TaskStatus.newBuilder().setState(TaskState.STARTING)).build();
        ClusterEvent created = translate(new StoreEvent(StoreEvent.Type.CREATE, ObjectKind.TASK, null, t, 6));
        assertEquals("task", created.type());
        assertEquals(Map.of("name", "web.2.task1", "service", "web", "node", "node1"), created.attributes());
        assertEquals(Map.of("service", "svc1", "node", "node1"), created.related());

        Task running = t.toBuilder().setUpdatedAt(UPDATED).setStatus(TaskStatus.newBuilder().setState(TaskState.RUNNING)).build();
        assertEquals(Map.of("name", "web.2.task1", "service", "web", "node", "node1", "state.old", "starting", "state.new", "running"),
                translate(update(ObjectKind.TASK, t, running)).attributes());
        Task message = running.toBuilder().setStatus(running.getStatus().toBuilder().setMessage("started")).build();
        assertFalse(maybe(update(ObjectKind.TASK, running, message)).isPresent(), "a status message alone is no event");
    }

    @Test
    void theJsonIsDockersShape() {
        ClusterEvent e = translate(new StoreEvent(StoreEvent.Type.CREATE, ObjectKind.SERVICE, null, service(1, "busybox"), 3));
        assertEquals("{\"Type\":\"service\",\"Action\":\"create\",\"Actor\":{\"ID\":\"svc1\",\"Attributes\":{\"name\":\"web\"}},"
                + "\"scope\":\"swarm\",\"time\":1800000000,\"timeNano\":1800000000000000005}", e.toJson().toString());
    }
}
