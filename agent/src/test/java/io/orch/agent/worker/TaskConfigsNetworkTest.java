package io.orch.agent.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.orch.api.proto.EndpointSpec;
import io.orch.api.proto.Network;
import io.orch.api.proto.NetworkAttachmentConfig;
import io.orch.api.proto.NetworkSpec;
import io.orch.api.proto.PortConfig;
import io.orch.api.proto.TaskSpec;
import io.orch.runtime.TaskConfig;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TaskConfigsNetworkTest {
    static final Map<String, Network> NETWORKS = Map.of(
            "hostid", Network.newBuilder().setId("hostid").setSpec(NetworkSpec.newBuilder().setName("host").setDriver("host")).build(),
            "noneid", Network.newBuilder().setId("noneid").setSpec(NetworkSpec.newBuilder().setName("none").setDriver("null")).build(),
            "appid", Network.newBuilder().setId("appid").setSpec(NetworkSpec.newBuilder().setName("app").setDriver("overlay")).build());

    private static TaskConfig.Network network(EndpointSpec endpoint, String... attached) {
        TaskSpec.Builder spec = TaskSpec.newBuilder();
        for (String id : attached) {
            spec.addNetworks(NetworkAttachmentConfig.newBuilder().setTarget(id));
        }
        return TaskConfigs.network(spec.build(), endpoint, id -> Optional.ofNullable(NETWORKS.get(id)));
    }

    private static PortConfig port(PortConfig.Protocol protocol, int target, int published, PortConfig.PublishMode mode) {
        return PortConfig.newBuilder().setProtocol(protocol).setTargetPort(target).setPublishedPort(published)
                .setPublishMode(mode).build();
    }

    @Test
    void aServiceGetsItsOwnBridgedNamespaceWithItsHostModePorts() {
        EndpointSpec endpoint = EndpointSpec.newBuilder()
                .addPorts(port(PortConfig.Protocol.TCP, 80, 8080, PortConfig.PublishMode.HOST))
                .addPorts(port(PortConfig.Protocol.UDP, 53, 0, PortConfig.PublishMode.HOST))
                .addPorts(port(PortConfig.Protocol.TCP, 443, 8443, PortConfig.PublishMode.INGRESS))
                .build();
        TaskConfig.Network n = network(endpoint, "appid");
        assertEquals(TaskConfig.Network.Mode.BRIDGE, n.mode());
        assertEquals(List.of(new TaskConfig.PublishedPort(TaskConfig.PublishedPort.Protocol.TCP, 80, 8080),
                new TaskConfig.PublishedPort(TaskConfig.PublishedPort.Protocol.UDP, 53, 0)), n.ports(),
                "ingress-mode ports are the routing mesh's, not the task's");
    }

    @Test
    void theHostAndNoneNetworksPickTheirModes() {
        assertEquals(TaskConfig.Network.Mode.HOST, network(EndpointSpec.getDefaultInstance(), "hostid").mode());
        assertEquals(TaskConfig.Network.Mode.NONE, network(EndpointSpec.getDefaultInstance(), "noneid").mode());
        assertEquals(TaskConfig.Network.Mode.BRIDGE, network(EndpointSpec.getDefaultInstance()).mode());
    }

    @Test
    void sctpIsRejectedNamingThePort() {
        EndpointSpec endpoint = EndpointSpec.newBuilder()
                .addPorts(port(PortConfig.Protocol.SCTP, 9, 9, PortConfig.PublishMode.HOST)).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> network(endpoint));
        assertTrue(e.getMessage().contains("9/sctp"), e.getMessage());
    }
}
