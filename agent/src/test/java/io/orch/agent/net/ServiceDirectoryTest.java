package io.orch.agent.net;

import io.orch.api.proto.EndpointSpec;
import io.orch.api.proto.EndpointVirtualIP;
import io.orch.api.proto.NetworkAttachmentConfig;
import io.orch.api.proto.NetworkEndpoint;
import io.orch.api.proto.NetworkMap;
import io.orch.api.proto.ServiceEndpoint;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ServiceDirectoryTest {
    private static ServiceEndpoint service(String id, String name, String stack, EndpointSpec.Mode mode, String network,
                                           String vip, String... aliases) {
        ServiceEndpoint.Builder s = ServiceEndpoint.newBuilder().setServiceId(id).setName(name).setStack(stack).setMode(mode)
                .addNetworks(NetworkAttachmentConfig.newBuilder().setTarget(network).addAllAliases(List.of(aliases)));
        if (vip != null) {
            s.addVirtualIps(EndpointVirtualIP.newBuilder().setNetworkId(network).setAddr(vip + "/24"));
        }
        return s.build();
    }

    private static NetworkEndpoint task(String id, String service, String network, String ip, boolean serving) {
        return NetworkEndpoint.newBuilder().setTaskId(id).setServiceId(service).setNetworkId(network).setAddress(ip)
                .setServing(serving).build();
    }

    private final NetworkMap map = NetworkMap.newBuilder()
            .addServices(service("s1", "shop_web", "shop", EndpointSpec.Mode.VIP, "front", "10.0.1.2", "www"))
            .addServices(service("s2", "cache", "", EndpointSpec.Mode.DNSRR, "front", null))
            .addServices(service("s3", "db", "", EndpointSpec.Mode.VIP, "back", "10.0.2.2"))
            .addEndpoints(task("t1", "s1", "front", "10.0.1.3", true))
            .addEndpoints(task("t2", "s1", "front", "10.0.1.4", true))
            .addEndpoints(task("t3", "s1", "front", "10.0.1.5", false))
            .addEndpoints(task("t4", "s2", "front", "10.0.1.6", true))
            .addEndpoints(task("t5", "s3", "back", "10.0.2.3", true))
            .build();
    private final ServiceDirectory directory = new ServiceDirectory(map);

    @Test
    void aVipServiceAnswersWithItsVipByNameShortStackNameAndAlias() {
        for (String name : List.of("shop_web", "web", "www", "WEB.", "shop_web.")) {
            assertEquals(Optional.of(List.of("10.0.1.2")), directory.resolve(Set.of("front"), name), name);
        }
    }

    @Test
    void tasksNameListsOnlyServingTasks() {
        assertEquals(Optional.of(List.of("10.0.1.3", "10.0.1.4")), directory.resolve(Set.of("front"), "tasks.web"));
    }

    @Test
    void aDnsrrServiceAnswersWithItsTasks() {
        assertEquals(Optional.of(List.of("10.0.1.6")), directory.resolve(Set.of("front"), "cache"));
    }

    @Test
    void aServiceOnAnotherNetworkIsNotOrchsNameForThisContainer() {
        assertEquals(Optional.empty(), directory.resolve(Set.of("front"), "db"));
        assertEquals(Optional.empty(), directory.resolve(Set.of("back"), "web"));
        assertEquals(Optional.empty(), directory.resolve(Set.of("front"), "example.com"));
        assertEquals(Optional.of(List.of("10.0.2.2")), directory.resolve(Set.of("front", "back"), "db"));
    }

    @Test
    void vipBackendsAreTheServingTasksOfTheSameNetwork() {
        assertEquals(Map.of("10.0.1.2", List.of("10.0.1.3", "10.0.1.4")), directory.vipBackends(map, Set.of("front")));
        assertEquals(Map.of("10.0.1.2", List.of("10.0.1.3", "10.0.1.4"), "10.0.2.2", List.of("10.0.2.3")),
                directory.vipBackends(map, Set.of("front", "back")));
    }

    @Test
    void aServiceWithNoServingTaskIsKnownButAnswersNothing() {
        NetworkMap empty = NetworkMap.newBuilder()
                .addServices(service("s1", "web", "", EndpointSpec.Mode.VIP, "front", "10.0.1.2"))
                .addEndpoints(task("t3", "s1", "front", "10.0.1.5", false)).build();
        ServiceDirectory d = new ServiceDirectory(empty);
        assertEquals(Optional.of(List.of()), d.resolve(Set.of("front"), "tasks.web"));
        assertEquals(Map.of("10.0.1.2", List.of()), d.vipBackends(empty, Set.of("front")));
    }
}
