package io.orch.agent.logs;

import io.orch.api.proto.ManagerStatus;
import io.orch.api.proto.Node;
import io.orch.api.proto.NodeStatus;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Where a node's RPC is reached, from what the store holds about it. */
class NodeRpcAddressTest {
    private static Node node(String statusAddr, String managerAddr) {
        Node.Builder b = Node.newBuilder().setId("n").setStatus(NodeStatus.newBuilder().setAddr(statusAddr));
        if (managerAddr != null) {
            b.setManagerStatus(ManagerStatus.newBuilder().setAddr(managerAddr));
        }
        return b.build();
    }

    @Test
    void aManagersIsItsManagerAddress() {
        assertEquals(Optional.of("10.0.0.1:2377"), NodeRpcAddress.of(node("10.0.0.1", "10.0.0.1:2377")));
    }

    @Test
    void aWorkersIsTheHostPortItsHelloReported() {
        assertEquals(Optional.of("10.0.0.2:2377"), NodeRpcAddress.of(node("10.0.0.2:2377", null)));
        assertEquals(Optional.of("[fd00::2]:2377"), NodeRpcAddress.of(node("[fd00::2]:2377", null)));
    }

    @Test
    void aBareHostIsNoRpcAddressYet() {
        assertEquals(Optional.empty(), NodeRpcAddress.of(node("10.0.0.2", null)));
        assertEquals(Optional.empty(), NodeRpcAddress.of(node("fd00::2", null)));
        assertEquals(Optional.empty(), NodeRpcAddress.of(node("", null)));
    }
}
