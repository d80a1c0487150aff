package io.orch.scheduler.network;

import io.orch.api.proto.Endpoint;
import io.orch.api.proto.EndpointSpec;
import io.orch.api.proto.PortConfig;
import io.orch.api.proto.PortConfig.Protocol;
import io.orch.api.proto.PortConfig.PublishMode;
import io.orch.api.proto.Service;
import io.orch.api.proto.ServiceSpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IngressPortsTest {
    private static PortConfig port(PublishMode mode, Protocol protocol, int target, int published) {
        return PortConfig.newBuilder().setPublishMode(mode).setProtocol(protocol).setTargetPort(target).setPublishedPort(published).build();
    }

    private static PortConfig ingress(int target, int published) {
        return port(PublishMode.INGRESS, Protocol.TCP, target, published);
    }

    private static EndpointSpec spec(PortConfig... ports) {
        return EndpointSpec.newBuilder().addAllPorts(List.of(ports)).build();
    }

    private static Service owner(String id, String name, PortConfig... allocated) {
        return Service.newBuilder().setId(id).setSpec(ServiceSpec.newBuilder().setName(name))
                .setEndpoint(Endpoint.newBuilder().addAllPorts(List.of(allocated))).build();
    }

    /** What the published ports come out as, given the spec, the service's previous ports and the other services. */
    static Stream<Arguments> allocations() {
        return Stream.of(
                Arguments.of("an explicit free port is kept as asked",
                        spec(ingress(80, 8080)), List.of(), List.of(), List.of(8080)),
                Arguments.of("port 0 gets the lowest free port of the dynamic range",
                        spec(ingress(80, 0)), List.of(), List.of(), List.of(30000)),
                Arguments.of("port 0 skips ports other services own",
                        spec(ingress(80, 0)), List.of(),
                        List.of(owner("o", "other", ingress(1, 30000), ingress(2, 30001))), List.of(30002)),
                Arguments.of("two dynamic ports of one spec get different ports",
                        spec(ingress(80, 0), ingress(443, 0)), List.of(), List.of(), List.of(30000, 30001)),
                Arguments.of("a dynamic port is kept across updates for the same target and protocol",
                        spec(ingress(80, 0)), List.of(ingress(80, 30123)), List.of(), List.of(30123)),
                Arguments.of("a new target port does not inherit another target's dynamic port",
                        spec(ingress(81, 0)), List.of(ingress(80, 30123)), List.of(), List.of(30000)),
                Arguments.of("an explicit port the spec now asks for wins over its own former dynamic port",
                        spec(ingress(80, 0), ingress(81, 30000)), List.of(ingress(80, 30000)), List.of(), List.of(30001, 30000)),
                Arguments.of("the same port number on the other protocol is free",
                        spec(port(PublishMode.INGRESS, Protocol.UDP, 53, 8080)), List.of(),
                        List.of(owner("o", "other", ingress(80, 8080))), List.of(8080)),
                Arguments.of("host-mode ports are copied as they are, even one another service publishes in host mode",
                        spec(port(PublishMode.HOST, Protocol.TCP, 80, 8080), port(PublishMode.HOST, Protocol.TCP, 81, 0)),
                        List.of(), List.of(owner("o", "other", port(PublishMode.HOST, Protocol.TCP, 80, 8080))), List.of(8080, 0)),
                Arguments.of("port 0 skips other services' host-mode ports too",
                        spec(ingress(80, 0)), List.of(),
                        List.of(owner("o", "other", port(PublishMode.HOST, Protocol.TCP, 80, 30000))), List.of(30001)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allocations")
    void allocates(String name, EndpointSpec spec, List<PortConfig> previous, List<Service> others, List<Integer> expected) {
        List<PortConfig> out = IngressPorts.allocate(spec, previous, IngressPorts.taken(others, "self"));
        List<Integer> published = new ArrayList<>();
        for (int i = 0; i < out.size(); i++) {
            published.add(out.get(i).getPublishedPort());
            assertEquals(spec.getPorts(i).getTargetPort(), out.get(i).getTargetPort());
            assertEquals(spec.getPorts(i).getPublishMode(), out.get(i).getPublishMode());
        }
        assertEquals(expected, published);
    }

    @Test
    void aPortAnotherServiceOwnsIsRefusedWithSwarmsMessage() {
        IngressPorts.Taken taken = IngressPorts.taken(List.of(owner("abc123", "web", ingress(80, 8080))), "self");
        IngressPorts.ConflictException e = assertThrows(IngressPorts.ConflictException.class,
                () -> IngressPorts.allocate(spec(ingress(8000, 8080)), List.of(), taken));
        assertEquals("port '8080' is already in use by service 'web' (abc123) as an ingress port", e.getMessage());
    }

    @Test
    void anIngressPortAndAnotherServicesHostModePortMayNotMeetEitherWay() {
        IngressPorts.Taken host = IngressPorts.taken(List.of(owner("h1", "pinned", port(PublishMode.HOST, Protocol.TCP, 80, 8080))), "self");
        assertEquals("port '8080' is already in use by service 'pinned' (h1) as a host-published port", assertThrows(
                IngressPorts.ConflictException.class, () -> IngressPorts.allocate(spec(ingress(80, 8080)), List.of(), host)).getMessage());
        IngressPorts.Taken ingress = IngressPorts.taken(List.of(owner("i1", "web", ingress(80, 8080))), "self");
        assertEquals("port '8080' is already in use by service 'web' (i1) as an ingress port", assertThrows(
                IngressPorts.ConflictException.class,
                () -> IngressPorts.allocate(spec(port(PublishMode.HOST, Protocol.TCP, 80, 8080)), List.of(), ingress)).getMessage());
    }

    @Test
    void aSpecPutBackByTheManagersLeavesOutOnlyThePortsNoLongerFree() {
        IngressPorts.Taken taken = IngressPorts.taken(List.of(owner("w2", "web2", ingress(80, 8080))), "self");
        List<String> said = new ArrayList<>();
        List<PortConfig> out = IngressPorts.allocateAvailable(spec(ingress(80, 8080), ingress(443, 0)),
                List.of(ingress(443, 30005)), taken, said::add);
        assertEquals(List.of(ingress(443, 30005)), out);
        assertEquals(List.of("port '8080' is already in use by service 'web2' (w2) as an ingress port"), said);
    }

    @Test
    void theServiceItselfDoesNotConflictWithItsOwnPorts() {
        Service self = owner("self", "web", ingress(80, 8080));
        List<PortConfig> out = IngressPorts.allocate(spec(ingress(80, 8080)), self.getEndpoint().getPortsList(),
                IngressPorts.taken(List.of(self), "self"));
        assertEquals(8080, out.get(0).getPublishedPort());
    }

    @Test
    void aFullDynamicRangeIsRefused() {
        Map<String, IngressPorts.Owner> taken = new HashMap<>();
        for (int p = IngressPorts.DYNAMIC_FIRST; p <= IngressPorts.DYNAMIC_LAST; p++) {
            taken.put(IngressPorts.key(Protocol.TCP, p), new IngressPorts.Owner("o", "other"));
        }
        IngressPorts.ConflictException e = assertThrows(IngressPorts.ConflictException.class,
                () -> IngressPorts.allocate(spec(ingress(80, 0)), List.of(), new IngressPorts.Taken(taken, Map.of())));
        assertTrue(e.getMessage().startsWith("no free port left in the dynamic range 30000-32767"), e.getMessage());
    }

    @Test
    void onlyIngressModePortsNeedTheIngressNetwork() {
        assertTrue(IngressPorts.needsIngress(spec(ingress(80, 0))));
        assertFalse(IngressPorts.needsIngress(spec(port(PublishMode.HOST, Protocol.TCP, 80, 8080))));
        assertFalse(IngressPorts.needsIngress(spec()));
    }
}
