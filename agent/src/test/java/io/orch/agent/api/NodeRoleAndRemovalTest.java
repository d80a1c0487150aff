package io.orch.agent.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.http.HttpMethod;
import io.orch.api.proto.ManagerStatus;
import io.orch.api.proto.Node;
import io.orch.api.proto.NodeSpec;
import io.orch.api.proto.NodeStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Promote, demote and remove through the API with Swarm's rules, and ManagerStatus computed when
 * the API answers (leader from a view standing in for Raft, reachability from one standing in
 * for gossip). Nodes: SELF (manager, host1), WORKER (host2), and MANAGER2 (host3).
 */
class NodeRoleAndRemovalTest {
    static final String MANAGER2 = "n0de3manager2000000000000";

    private final Map<String, ManagerStatus.Reachability> reachability = new ConcurrentHashMap<>();
    private volatile String leader = ApiFixture.SELF;
    private final List<String> hookCalls = new ArrayList<>();
    private volatile String refusal;
    private final RoleChangeHook hook = new RoleChangeHook() {
        @Override
        public void check(Node node, NodeSpec.Role newRole) throws Refused {
            if (refusal != null) {
                throw new Refused(refusal);
            }
        }

        @Override
        public void roleChanged(Node before, Node after) {
            hookCalls.add(before.getId() + " " + before.getSpec().getRole() + "->" + after.getSpec().getRole()
                    + " v" + after.getVersion().getIndex());
        }

        @Override
        public void removed(Node node) {
            hookCalls.add(node.getId() + " removed");
        }
    };
    private final ApiFixture api = new ApiFixture(ApiServices.none(), new NodeControl(
            ManagerStatusView.of(() -> Optional.ofNullable(leader),
                    id -> reachability.getOrDefault(id, ManagerStatus.Reachability.UNKNOWN)), hook));

    @BeforeEach
    void seed() {
        api.write(tx -> {
            tx.create(ApiFixture.node(ApiFixture.WORKER, "host2", NodeSpec.Role.WORKER, NodeStatus.State.READY));
            tx.create(ApiFixture.node(MANAGER2, "host3", NodeSpec.Role.MANAGER, NodeStatus.State.READY));
        });
        reachability.put(ApiFixture.SELF, ManagerStatus.Reachability.REACHABLE);
        reachability.put(MANAGER2, ManagerStatus.Reachability.REACHABLE);
    }

    @AfterEach
    void close() throws Exception {
        api.close();
    }

    private long version(String id) {
        return api.storedNode(id).getVersion().getIndex();
    }

    private ApiFixture.Reply setRole(String id, String role) {
        return api.post("/v1.47/nodes/" + id + "/update?version=" + version(id),
                "{\"Labels\": {}, \"Role\": \"" + role + "\", \"Availability\": \"active\"}");
    }

    private JsonNode listed(String id) {
        for (JsonNode n : api.get("/v1.47/nodes").json()) {
            if (n.get("ID").asText().equals(id)) {
                return n;
            }
        }
        throw new AssertionError(id + " not listed");
    }

    private ApiFixture.Reply remove(String nodeRef, boolean force) {
        return api.call(HttpMethod.DELETE, "/v1.47/nodes/" + nodeRef + (force ? "?force=1" : ""), null);
    }

    // ------------------------------------------------------------------ manager status

    @Test
    void managerStatusShowsTheCurrentLeaderAndReachabilityNotWhatWasStored() {
        // both managers registered themselves with Leader=true (ApiFixture.node): the view decides
        assertTrue(listed(ApiFixture.SELF).at("/ManagerStatus/Leader").asBoolean());
        assertFalse(listed(MANAGER2).at("/ManagerStatus/Leader").asBoolean());
        assertEquals("reachable", listed(MANAGER2).at("/ManagerStatus/Reachability").asText());
        assertEquals("10.0.0.1:2377", listed(MANAGER2).at("/ManagerStatus/Addr").asText());
        assertTrue(listed(ApiFixture.WORKER).path("ManagerStatus").isMissingNode(), "a worker has no ManagerStatus");

        leader = MANAGER2;
        reachability.put(ApiFixture.SELF, ManagerStatus.Reachability.UNREACHABLE);
        assertTrue(listed(MANAGER2).at("/ManagerStatus/Leader").asBoolean());
        assertFalse(listed(ApiFixture.SELF).at("/ManagerStatus/Leader").asBoolean());
        assertEquals("unreachable", listed(ApiFixture.SELF).at("/ManagerStatus/Reachability").asText());
        assertTrue(api.get("/v1.47/nodes/host3").json().at("/ManagerStatus/Leader").asBoolean(), "inspect shows the same");
    }

    @Test
    void withoutALeaderNobodyIsLeader() {
        leader = null;
        for (JsonNode n : api.get("/v1.47/nodes").json()) {
            assertFalse(n.path("ManagerStatus").path("Leader").asBoolean(false), n.toString());
        }
    }

    // ------------------------------------------------------------------ promote / demote

    @Test
    void promoteAndDemoteChangeTheRoleAndCallTheHookAfterTheCommit() {
        ApiFixture.Reply promote = setRole(ApiFixture.WORKER, "manager");
        assertEquals(200, promote.status(), promote.body());
        assertEquals(NodeSpec.Role.MANAGER, api.storedNode(ApiFixture.WORKER).getSpec().getRole());
        assertEquals("unknown", listed(ApiFixture.WORKER).at("/ManagerStatus/Reachability").asText(),
                "promoted, not yet a reachable Raft member");

        ApiFixture.Reply demote = setRole(ApiFixture.WORKER, "worker");
        assertEquals(200, demote.status(), demote.body());
        assertEquals(NodeSpec.Role.WORKER, api.storedNode(ApiFixture.WORKER).getSpec().getRole());
        assertTrue(listed(ApiFixture.WORKER).path("ManagerStatus").isMissingNode());

        assertEquals(2, hookCalls.size(), hookCalls.toString());
        assertTrue(hookCalls.get(0).startsWith(ApiFixture.WORKER + " WORKER->MANAGER v"), hookCalls.toString());
        assertTrue(hookCalls.get(1).startsWith(ApiFixture.WORKER + " MANAGER->WORKER v"), hookCalls.toString());
        assertEquals("v" + version(ApiFixture.WORKER), hookCalls.get(1).substring(hookCalls.get(1).lastIndexOf(' ') + 1),
                "the hook sees the node as committed");
    }

    @Test
    void anUpdateThatKeepsTheRoleDoesNotCallTheHook() {
        assertEquals(200, api.post("/v1.47/nodes/host2/update?version=" + version(ApiFixture.WORKER),
                "{\"Role\": \"worker\", \"Availability\": \"drain\"}").status());
        assertTrue(hookCalls.isEmpty());
    }

    @Test
    void theLastManagerCannotBeDemotedButOneOfTwoCan() {
        assertEquals(200, setRole(MANAGER2, "worker").status());
        ApiFixture.Reply last = setRole(ApiFixture.SELF, "worker");
        assertEquals(400, last.status());
        assertEquals("attempting to demote the last manager of the swarm", last.message());
        assertEquals(NodeSpec.Role.MANAGER, api.storedNode(ApiFixture.SELF).getSpec().getRole(), "nothing changed");
    }

    @Test
    void aDemotionRacingAnotherManagersChangeIsRejectedRatherThanLosingTheLastManager() {
        long staleSelf = version(ApiFixture.SELF);
        // MANAGER2 is demoted; a demotion of SELF prepared before that (same version of SELF) must not pass
        assertEquals(200, setRole(MANAGER2, "worker").status());
        ApiFixture.Reply late = api.post("/v1.47/nodes/" + ApiFixture.SELF + "/update?version=" + staleSelf,
                "{\"Role\": \"worker\", \"Availability\": \"active\"}");
        assertEquals(409, late.status(), "the other demotion rewrote SELF as a guard: " + late.body());
        assertEquals("update out of sequence", late.message());
        assertEquals(NodeSpec.Role.MANAGER, api.storedNode(ApiFixture.SELF).getSpec().getRole());
    }

    @Test
    void theHookMayRefuseARoleChange() {
        refusal = "can't remove member from the raft: this would result in a loss of quorum";
        ApiFixture.Reply r = setRole(MANAGER2, "worker");
        assertEquals(400, r.status());
        assertEquals(refusal, r.message());
        assertEquals(NodeSpec.Role.MANAGER, api.storedNode(MANAGER2).getSpec().getRole());
        assertTrue(hookCalls.isEmpty());
    }

    // ------------------------------------------------------------------ remove

    @Test
    void aNodeThatIsNotDownIsRemovedOnlyWithForce() {
        ApiFixture.Reply refused = remove("host2", false);
        assertEquals(400, refused.status());
        assertEquals("node " + ApiFixture.WORKER + " is not down and can't be removed", refused.message());
        assertTrue(api.store.read(r -> r.node(ApiFixture.WORKER)).isPresent(), "nothing removed");

        ApiFixture.Reply forced = remove("host2", true);
        assertEquals(200, forced.status(), forced.body());
        assertTrue(api.store.read(r -> r.node(ApiFixture.WORKER)).isEmpty());
        assertEquals(List.of(ApiFixture.WORKER + " removed"), hookCalls);
        assertEquals(404, api.get("/v1.47/nodes/host2").status());
    }

    @Test
    void aDownWorkerIsRemovedWithoutForce() {
        api.write(tx -> {
            Node n = tx.read().node(ApiFixture.WORKER).orElseThrow();
            tx.update(n.toBuilder().setStatus(n.getStatus().toBuilder().setState(NodeStatus.State.DOWN)).build());
        });
        assertEquals(200, remove(ApiFixture.WORKER, false).status());
        assertTrue(api.store.read(r -> r.node(ApiFixture.WORKER)).isEmpty());
    }

    @Test
    void aManagerMustBeDemotedBeforeRemovalEvenWithForce() {
        for (boolean force : new boolean[] {false, true}) {
            ApiFixture.Reply r = remove("host3", force);
            assertEquals(400, r.status());
            assertEquals("node " + MANAGER2 + " is a cluster manager and is a member of the raft cluster."
                    + " It must be demoted to worker before removal", r.message());
        }
        assertTrue(api.store.read(r -> r.node(MANAGER2)).isPresent());
    }

    @Test
    void removingAnUnknownNodeIs404() {
        ApiFixture.Reply r = remove("host9", true);
        assertEquals(404, r.status());
        assertEquals("node host9 not found", r.message());
    }

    // ------------------------------------------------------------------ revocation

    private List<String> revoked() {
        return api.store.read(r -> r.cluster()).orElseThrow().getRevokedList().stream()
                .map(e -> e.getNodeId() + " " + e.getScope()).toList();
    }

    @Test
    void aRemovalRevokesEveryCertificateOfTheNodeInTheSameWrite() {
        assertEquals(List.of(), revoked());
        ApiFixture.Reply rm = remove(ApiFixture.WORKER, true);
        assertEquals(200, rm.status(), rm.body());
        assertEquals(List.of(ApiFixture.WORKER + " ANY_ROLE"), revoked());
        assertFalse(api.get("/v1.47/swarm").body().contains(ApiFixture.WORKER), "the list is not shown by the API");
    }

    @Test
    void aDemotionRevokesTheManagerCertificateAndAPromotionLiftsIt() {
        ApiFixture.Reply demote = setRole(MANAGER2, "worker");
        assertEquals(200, demote.status(), demote.body());
        assertEquals(List.of(MANAGER2 + " MANAGER"), revoked());
        ApiFixture.Reply promote = setRole(MANAGER2, "manager");
        assertEquals(200, promote.status(), promote.body());
        assertEquals(List.of(), revoked());
    }

    @Test
    void aRefusedRoleChangeRevokesNothing() {
        refusal = "not now";
        assertEquals(400, setRole(MANAGER2, "worker").status());
        assertEquals(List.of(), revoked());
    }
}
