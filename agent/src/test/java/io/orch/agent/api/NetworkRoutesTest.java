package io.orch.agent.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code /networks}, and services attaching to networks by name. */
class NetworkRoutesTest {
    /** What docker stack deploy sends (docker-cli-28-requests.txt, 25_stack_deploy). */
    private static final String STACK_NETWORK = "{\"Driver\": \"overlay\", \"Scope\": \"\", \"IPAM\": null, \"Internal\": false, "
            + "\"Attachable\": true, \"Ingress\": false, \"ConfigOnly\": false, \"ConfigFrom\": null, \"Options\": null, "
            + "\"Labels\": {\"com.docker.stack.namespace\": \"st\"}, \"Name\": \"st_backend\"}";
    private final ApiFixture api = new ApiFixture();

    @AfterEach
    void close() throws Exception {
        api.close();
    }

    @Test
    void createListInspectRemove() {
        ApiFixture.Reply created = api.post("/v1.47/networks/create", STACK_NETWORK);
        assertEquals(201, created.status(), created.body());
        String id = created.json().get("Id").asText();
        JsonNode n = api.get("/v1.47/networks/st_backend").json();
        assertEquals(id, n.get("Id").asText());
        assertEquals("swarm", n.get("Scope").asText());
        assertEquals("overlay", n.get("Driver").asText());
        assertTrue(n.get("Attachable").asBoolean());
        assertEquals("st", n.get("Labels").get("com.docker.stack.namespace").asText());
        assertEquals("default", n.get("IPAM").get("Driver").asText());
        assertEquals(1, api.get("/v1.47/networks?" + ApiFixture.filters("{\"label\":{\"com.docker.stack.namespace=st\":true}}")).json().size());
        assertEquals(0, api.get("/v1.47/networks?" + ApiFixture.filters("{\"label\":{\"com.docker.stack.namespace=other\":true}}")).json().size());
        assertEquals(409, api.post("/v1.47/networks/create", STACK_NETWORK).status());
        assertEquals(204, api.call(HttpMethod.DELETE, "/v1.47/networks/" + id, null).status());
        assertEquals(404, api.get("/v1.47/networks/st_backend").status());
    }

    @Test
    void servicesAttachByNameAndStoreTheId() {
        String id = api.post("/v1.47/networks/create", STACK_NETWORK).json().get("Id").asText();
        String service = api.createService("{\"Name\":\"st_web\",\"TaskTemplate\":{\"ContainerSpec\":{\"Image\":\"busybox\"},"
                + "\"Networks\":[{\"Target\":\"st_backend\",\"Aliases\":[\"web\"]}]}}");
        assertEquals(id, api.service(service).getSpec().getTaskTemplate().getNetworks(0).getTarget());
        ApiFixture.Reply inUse = api.call(HttpMethod.DELETE, "/v1.47/networks/st_backend", null);
        assertEquals(409, inUse.status());
        assertEquals("network st_backend is in use by service st_web", inUse.message());
        ApiFixture.Reply unknown = api.post("/v1.47/services/create", "{\"Name\":\"x\",\"TaskTemplate\":{\"ContainerSpec\":"
                + "{\"Image\":\"busybox\"},\"Networks\":[{\"Target\":\"nope\"}]}}");
        assertEquals(400, unknown.status());
        assertEquals("invalid ServiceSpec: TaskTemplate.Networks[0].Target: network nope not found", unknown.message());
    }

    @Test
    void attachmentsThatCouldNotBeHonouredAreRefusedNamingTheField() {
        api.post("/v1.47/networks/create", STACK_NETWORK);
        ApiFixture.Reply opts = api.post("/v1.47/services/create", "{\"Name\":\"x\",\"TaskTemplate\":{\"ContainerSpec\":"
                + "{\"Image\":\"busybox\"},\"Networks\":[{\"Target\":\"st_backend\",\"DriverOpts\":{\"mtu\":\"9000\"}}]}}");
        assertEquals(400, opts.status());
        assertEquals("invalid ServiceSpec: TaskTemplate.Networks[0].DriverOpts: orch's overlay driver takes no per-attachment"
                + " options, got [mtu]", opts.message());
        ApiFixture.Reply twice = api.post("/v1.47/services/create", "{\"Name\":\"x\",\"TaskTemplate\":{\"ContainerSpec\":"
                + "{\"Image\":\"busybox\"},\"Networks\":[{\"Target\":\"st_backend\"},{\"Target\":\"st_backend\"}]}}");
        assertEquals(400, twice.status());
        assertEquals("invalid ServiceSpec: TaskTemplate.Networks[1].Target: network st_backend is attached more than once",
                twice.message());
        ApiFixture.Reply process = api.post("/v1.47/services/create", "{\"Name\":\"x\",\"TaskTemplate\":{\"ContainerSpec\":"
                + "{\"Image\":\"busybox\"},\"Runtime\":\"process\",\"Networks\":[{\"Target\":\"st_backend\"}]}}");
        assertEquals(400, process.status());
        assertEquals("invalid ServiceSpec: TaskTemplate.Networks: the process runtime runs tasks on the host network:"
                + " overlay networks need the runc runtime", process.message());
        assertTrue(api.get("/v1.47/services").json().isEmpty(), "nothing was created");
    }

    @Test
    void onlyOverlayNetworks() {
        ApiFixture.Reply r = api.post("/v1.47/networks/create", "{\"Name\":\"n\",\"Driver\":\"bridge\"}");
        assertEquals(400, r.status());
        assertTrue(r.message().startsWith("invalid network spec: Driver:"), r.message());
    }

    private String createNetwork(String json) {
        ApiFixture.Reply r = api.post("/v1.47/networks/create", json);
        assertEquals(201, r.status(), r.body());
        return r.json().get("Id").asText();
    }

    private String refusal(String json) {
        ApiFixture.Reply r = api.post("/v1.47/networks/create", json);
        assertEquals(400, r.status(), r.body());
        return r.message();
    }

    @Test
    void aGivenSubnetGatewayAndRangeAreKeptAndShownInIpamConfigWithTheVni() {
        createNetwork("{\"Name\":\"front\",\"Driver\":\"overlay\",\"IPAM\":{\"Driver\":\"default\",\"Config\":"
                + "[{\"Subnet\":\"10.20.0.0/16\",\"IPRange\":\"10.20.5.0/24\",\"Gateway\":\"10.20.0.254\"}]},"
                + "\"Options\":{\"com.example.keep\":\"yes\"}}");
        JsonNode n = api.get("/v1.47/networks/front").json();
        JsonNode config = n.get("IPAM").get("Config").get(0);
        assertEquals("10.20.0.0/16", config.get("Subnet").asText());
        assertEquals("10.20.5.0/24", config.get("IPRange").asText());
        assertEquals("10.20.0.254", config.get("Gateway").asText());
        assertTrue(n.get("IPAM").get("Options").isNull());
        assertEquals("4097", n.get("Options").get("com.docker.network.driver.overlay.vxlanid_list").asText());
        assertEquals("yes", n.get("Options").get("com.example.keep").asText(), "unknown options are kept");
    }

    @Test
    void networksWithoutASubnetGetDistinctSlash24sOfTheDefaultPoolAndDistinctVnis() {
        createNetwork("{\"Name\":\"a\"}");
        createNetwork("{\"Name\":\"b\",\"IPAM\":null}");
        createNetwork("{\"Name\":\"c\",\"IPAM\":{\"Config\":[]}}");
        JsonNode all = api.get("/v1.47/networks").json();
        java.util.Map<String, String> subnets = new java.util.TreeMap<>();
        java.util.Set<String> vnis = new java.util.HashSet<>();
        for (JsonNode n : all) {
            JsonNode config = n.get("IPAM").get("Config").get(0);
            subnets.put(n.get("Name").asText(), config.get("Subnet").asText() + " " + config.get("Gateway").asText());
            vnis.add(n.get("Options").get("com.docker.network.driver.overlay.vxlanid_list").asText());
        }
        // the cluster's ingress network has the pool's first /24 and VXLAN 4096, as in Docker
        assertEquals(java.util.Map.of("ingress", "10.0.0.0/24 10.0.0.1", "a", "10.0.1.0/24 10.0.1.1", "b", "10.0.2.0/24 10.0.2.1",
                "c", "10.0.3.0/24 10.0.3.1"), subnets);
        assertEquals(java.util.Set.of("4096", "4097", "4098", "4099"), vnis);
    }

    @Test
    void theClustersOwnPoolAndSubnetSizeAreUsedAndAGivenSubnetIsSkippedByThePool() {
        api.write(tx -> {
            var c = tx.read().cluster().orElseThrow();
            tx.update(c.toBuilder().addDefaultAddressPool("192.168.0.0/16").setSubnetSize(26).build());
        });
        createNetwork("{\"Name\":\"mine\",\"IPAM\":{\"Config\":[{\"Subnet\":\"192.168.0.0/26\"}]}}");
        createNetwork("{\"Name\":\"pooled\"}");
        assertEquals("192.168.0.64/26", api.get("/v1.47/networks/pooled").json().get("IPAM").get("Config").get(0).get("Subnet").asText());
        assertEquals("192.168.0.1", api.get("/v1.47/networks/mine").json().get("IPAM").get("Config").get(0).get("Gateway").asText(),
                "no gateway given: the subnet's first address");
    }

    @Test
    void anOverlappingSubnetIsRefusedNamingTheFieldAndTheOtherNetwork() {
        createNetwork("{\"Name\":\"front\",\"IPAM\":{\"Config\":[{\"Subnet\":\"10.0.1.0/24\"}]}}");
        assertEquals("invalid network spec: IPAM.Config[0].Subnet: 10.0.1.0/24 overlaps network \"front\" (10.0.1.0/24)",
                refusal("{\"Name\":\"back\",\"IPAM\":{\"Config\":[{\"Subnet\":\"10.0.1.0/24\"}]}}"));
        assertEquals("invalid network spec: IPAM.Config[0].Subnet: 10.0.1.0/25 overlaps network \"front\" (10.0.1.0/24)",
                refusal("{\"Name\":\"back\",\"IPAM\":{\"Config\":[{\"Subnet\":\"10.0.1.0/25\"}]}}"));
        createNetwork("{\"Name\":\"pooled\"}");
        assertEquals("10.0.2.0/24", api.get("/v1.47/networks/pooled").json().get("IPAM").get("Config").get(0).get("Subnet").asText(),
                "the pool skips the user's subnet (and the ingress network's 10.0.0.0/24)");
    }

    @Test
    void badAddressingIsRefusedWithOneLineNamingTheField() {
        assertEquals("invalid network spec: IPAM.Config[0].Subnet: 10.0.1/24 is not an IPv4 CIDR (A.B.C.D/N)",
                refusal("{\"Name\":\"n\",\"IPAM\":{\"Config\":[{\"Subnet\":\"10.0.1/24\"}]}}"));
        assertEquals("invalid network spec: IPAM.Config[0].Gateway: 10.0.2.1 is outside the subnet 10.0.1.0/24",
                refusal("{\"Name\":\"n\",\"IPAM\":{\"Config\":[{\"Subnet\":\"10.0.1.0/24\",\"Gateway\":\"10.0.2.1\"}]}}"));
        assertEquals("invalid network spec: IPAM.Config[0].IPRange: 10.0.2.0/25 is outside the subnet 10.0.1.0/24",
                refusal("{\"Name\":\"n\",\"IPAM\":{\"Config\":[{\"Subnet\":\"10.0.1.0/24\",\"IPRange\":\"10.0.2.0/25\"}]}}"));
        assertEquals("invalid network spec: IPAM.Config[0].Subnet: is required with Gateway",
                refusal("{\"Name\":\"n\",\"IPAM\":{\"Config\":[{\"Gateway\":\"10.0.2.1\"}]}}"));
        assertEquals(1, api.get("/v1.47/networks").json().size(), "only the cluster's ingress network");
    }

    @Test
    void anEncryptedNetworkIsRefusedRatherThanCreatedUnencrypted() {
        assertEquals("invalid network spec: Options.encrypted: encrypted overlay networks are not available: this kernel has "
                        + "neither IPsec nor WireGuard, and orch never sends unencrypted what was asked to be encrypted",
                refusal("{\"Name\":\"secret\",\"Options\":{\"encrypted\":\"\"}}"));
    }

    @Test
    void outboundNatOffIsAppliedSoNotWarnedAboutAndABadValueIsRefused() {
        ApiFixture.Reply off = api.post("/v1.47/networks/create",
                "{\"Name\":\"quiet\",\"Options\":{\"com.docker.network.bridge.enable_ip_masquerade\":\"false\",\"com.docker.network.driver.mtu\":\"1400\"}}");
        assertEquals(201, off.status(), off.body());
        assertEquals("driver options [com.docker.network.driver.mtu] are kept but not applied by orch's overlay driver",
                off.json().path("Warning").asText());
        assertEquals("invalid network spec: Options.com.docker.network.bridge.enable_ip_masquerade: must be true or false, got \"no\"",
                refusal("{\"Name\":\"n2\",\"Options\":{\"com.docker.network.bridge.enable_ip_masquerade\":\"no\"}}"));
    }

    @Test
    void aNetworkIsNotRemovedWhileAnUnfinishedTaskHoldsAnAddressOnIt() {
        String id = createNetwork("{\"Name\":\"front\"}");
        io.orch.api.proto.Network n = api.store.read(r -> r.network(id)).orElseThrow();
        // the task's service left the network (network-rm) while the task still runs
        String service = api.createService("{\"Name\":\"web\",\"TaskTemplate\":{\"ContainerSpec\":{\"Image\":\"busybox\"}}}");
        api.addTask(holder("t1", service, n));
        ApiFixture.Reply inUse = api.call(HttpMethod.DELETE, "/v1.47/networks/front", null);
        assertEquals(409, inUse.status());
        assertEquals("network front is in use by task t1", inUse.message());
        api.write(tx -> tx.update(tx.read().task("t1").orElseThrow().toBuilder()
                .setStatus(io.orch.api.proto.TaskStatus.newBuilder().setState(io.orch.api.proto.TaskState.SHUTDOWN)).build()));
        assertEquals(204, api.call(HttpMethod.DELETE, "/v1.47/networks/front", null).status());
    }

    @Test
    void aNetworkWhoseLastTasksAreLeavingIsRemovedOnceTheyStopped() throws Exception {
        String id = createNetwork("{\"Name\":\"front\"}");
        io.orch.api.proto.Network n = api.store.read(r -> r.network(id)).orElseThrow();
        api.addTask(holder("t1", "removed-service", n)); // docker stack rm: the service is gone, its task still stops
        java.util.concurrent.CompletableFuture<ApiFixture.Reply> removal = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> api.call(HttpMethod.DELETE, "/v1.47/networks/front", null));
        org.awaitility.Awaitility.await("the removal waits").during(java.time.Duration.ofMillis(300))
                .atMost(java.time.Duration.ofSeconds(5)).until(() -> !removal.isDone());
        api.write(tx -> tx.update(tx.read().task("t1").orElseThrow().toBuilder()
                .setStatus(io.orch.api.proto.TaskStatus.newBuilder().setState(io.orch.api.proto.TaskState.SHUTDOWN)).build()));
        assertEquals(204, removal.get(10, java.util.concurrent.TimeUnit.SECONDS).status());
        assertEquals(404, api.get("/v1.47/networks/front").status());
    }

    private static final String PUBLISHING = "{\"Name\":\"web\",\"TaskTemplate\":{\"ContainerSpec\":{\"Image\":\"busybox\"}},"
            + "\"EndpointSpec\":{\"Ports\":[{\"Protocol\":\"tcp\",\"TargetPort\":80,\"PublishedPort\":8080,\"PublishMode\":\"ingress\"}]}}";

    @Test
    void theClusterHasAnIngressNetworkShownAsDockerShowsIt() {
        JsonNode list = api.get("/v1.47/networks").json();
        assertEquals(1, list.size());
        JsonNode n = api.get("/v1.47/networks/ingress").json();
        assertEquals("ingress", n.get("Name").asText());
        assertTrue(n.get("Ingress").asBoolean());
        assertEquals("overlay", n.get("Driver").asText());
        assertEquals("swarm", n.get("Scope").asText());
        assertEquals("10.0.0.0/24", n.at("/IPAM/Config/0/Subnet").asText());
        assertEquals("10.0.0.1", n.at("/IPAM/Config/0/Gateway").asText());
        assertEquals("4096", n.at("/Options/com.docker.network.driver.overlay.vxlanid_list").asText());
    }

    @Test
    void aSecondIngressNetworkIsRefusedWithSwarmsMessage() {
        String id = api.get("/v1.47/networks/ingress").json().get("Id").asText();
        ApiFixture.Reply second = api.post("/v1.47/networks/create", "{\"Name\":\"mesh2\",\"Driver\":\"overlay\",\"Ingress\":true}");
        assertEquals(409, second.status());
        assertEquals("ingress network (" + id + ") is already present", second.message());
        assertEquals(404, api.get("/v1.47/networks/mesh2").status());
        ApiFixture.Reply attachable = api.post("/v1.47/networks/create",
                "{\"Name\":\"mesh3\",\"Driver\":\"overlay\",\"Ingress\":true,\"Attachable\":true}");
        assertEquals(400, attachable.status());
        assertEquals("invalid network spec: Attachable: ingress network cannot be attachable", attachable.message());
    }

    @Test
    void theIngressNetworkIsNotRemovedWhileAServicePublishesThroughItAndCanBeMadeAgainAfterwards() {
        String service = api.createService(PUBLISHING);
        ApiFixture.Reply refused = api.call(HttpMethod.DELETE, "/v1.47/networks/ingress", null);
        assertEquals(400, refused.status());
        assertEquals("ingress network cannot be removed because service " + service + " depends on it", refused.message());
        assertEquals(200, api.get("/v1.47/networks/ingress").status());

        assertEquals(200, api.call(HttpMethod.DELETE, "/v1.47/services/web", null).status());
        assertEquals(204, api.call(HttpMethod.DELETE, "/v1.47/networks/ingress", null).status());
        ApiFixture.Reply noMesh = api.post("/v1.47/services/create", PUBLISHING);
        assertEquals(400, noMesh.status());
        assertEquals("service needs ingress network, but no ingress network is present", noMesh.message());
        assertEquals(0, api.serviceCount());

        String mesh = createNetwork("{\"Name\":\"mesh\",\"Driver\":\"overlay\",\"Ingress\":true}");
        assertTrue(api.get("/v1.47/networks/" + mesh).json().get("Ingress").asBoolean());
        api.createService(PUBLISHING);
    }

    @Test
    void aServiceCannotNameTheIngressNetworkAsOneOfItsNetworks() {
        ApiFixture.Reply r = api.post("/v1.47/services/create", "{\"Name\":\"x\",\"TaskTemplate\":{\"ContainerSpec\":"
                + "{\"Image\":\"busybox\"},\"Networks\":[{\"Target\":\"ingress\"}]}}");
        assertEquals(400, r.status());
        assertEquals("invalid ServiceSpec: TaskTemplate.Networks[0].Target: service cannot be explicitly attached to the ingress"
                + " network \"ingress\"", r.message());
    }

    private static io.orch.api.proto.Task holder(String id, String serviceId, io.orch.api.proto.Network n) {
        return io.orch.api.proto.Task.newBuilder().setId(id).setServiceId(serviceId)
                .setStatus(io.orch.api.proto.TaskStatus.newBuilder().setState(io.orch.api.proto.TaskState.RUNNING))
                .addNetworksAttachments(io.orch.api.proto.NetworkAttachment.newBuilder().setNetwork(n).addAddresses("10.0.0.2/24"))
                .build();
    }
}
