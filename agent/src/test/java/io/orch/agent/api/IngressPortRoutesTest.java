package io.orch.agent.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.orch.api.proto.PortConfig;
import io.orch.api.proto.Service;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ingress ports through the API: one service per port cluster-wide, PublishedPort 0 allocated and kept, shown in Endpoint.Ports. */
class IngressPortRoutesTest {
    private final ApiFixture api = new ApiFixture();

    @AfterEach
    void close() throws Exception {
        api.close();
    }

    /** A service publishing {@code ports}, each "target:published[:mode]" (published 0: any). */
    private static String spec(String name, String... ports) {
        StringBuilder p = new StringBuilder();
        for (String port : ports) {
            String[] parts = port.split(":");
            String mode = parts.length > 2 ? parts[2] : "ingress";
            p.append(p.length() == 0 ? "" : ",").append("{\"Protocol\":\"tcp\",\"TargetPort\":").append(parts[0])
                    .append(parts[1].equals("0") ? "" : ",\"PublishedPort\":" + parts[1]).append(",\"PublishMode\":\"").append(mode).append("\"}");
        }
        return "{\"Name\":\"" + name + "\",\"TaskTemplate\":{\"ContainerSpec\":{\"Image\":\"busybox\"}},"
                + "\"EndpointSpec\":{\"Ports\":[" + p + "]}}";
    }

    private List<Integer> published(String id) {
        return api.service(id).getEndpoint().getPortsList().stream().map(PortConfig::getPublishedPort).toList();
    }

    private ApiFixture.Reply update(String id, String spec) {
        return api.post("/v1.47/services/" + id + "/update?version=" + api.service(id).getVersion().getIndex(), spec);
    }

    @Test
    void aSecondServiceAskingForAnIngressPortIsRefusedWithSwarmsMessageAndNothingChanges() {
        String web = api.createService(spec("web", "80:8080"));
        ApiFixture.Reply r = api.post("/v1.47/services/create", spec("other", "8000:8080"));
        assertEquals(400, r.status());
        assertEquals("port '8080' is already in use by service 'web' (" + web + ") as an ingress port", r.message());
        assertEquals(1, api.serviceCount());

        String other = api.createService(spec("other", "8000:8081"));
        Service before = api.service(other);
        ApiFixture.Reply u = update(other, spec("other", "8000:8080"));
        assertEquals(400, u.status());
        assertEquals("port '8080' is already in use by service 'web' (" + web + ") as an ingress port", u.message());
        assertEquals(before, api.service(other), "the refused update changed nothing");
    }

    @Test
    void aPortZeroGetsAPortOfTheDynamicRangeShownInEndpointPortsAndKeptAcrossUpdates() {
        String id = api.createService(spec("web", "80:0"));
        assertEquals(List.of(30000), published(id));
        JsonNode shown = api.get("/v1.47/services/" + id).json();
        assertEquals(30000, shown.at("/Endpoint/Ports/0/PublishedPort").asInt());
        assertTrue(shown.at("/Spec/EndpointSpec/Ports/0/PublishedPort").isMissingNode()
                || shown.at("/Spec/EndpointSpec/Ports/0/PublishedPort").asInt() == 0, "the spec stays as asked");

        String second = api.createService(spec("second", "80:0"));
        assertEquals(List.of(30001), published(second));

        // an update that changes something else (and adds a port) keeps the allocated one
        assertEquals(200, update(id, spec("web", "80:0", "443:0")).status());
        assertEquals(List.of(30000, 30002), published(id));
        // the port's owner released it: another service may take it
        assertEquals(200, update(id, spec("web", "443:0")).status());
        assertEquals(List.of(30002), published(id));
        String third = api.createService(spec("third", "80:30000"));
        assertEquals(List.of(30000), published(third));
    }

    @Test
    void hostModePortsAreLeftToTheSchedulerButNeverMeetAnIngressPort() {
        String a = api.createService(spec("a", "80:8080:host"));
        String b = api.createService(spec("b", "80:8080:host"));
        assertEquals(List.of(8080), published(a));
        assertEquals(List.of(8080), published(b));
        ApiFixture.Reply r = api.post("/v1.47/services/create", spec("c", "80:8080"));
        assertEquals(400, r.status());
        assertTrue(r.message().matches("port '8080' is already in use by service '[ab]' \\([a-z0-9]+\\) as a host-published port"),
                r.message());
    }

    /**
     * Two creates decided from the same view would both see the port free; each claim therefore
     * also rewrites the Cluster object, version-checked, so the store rejects the second and its
     * create is decided again (and refused). This checks the claim takes that lock, and only then.
     */
    @Test
    void claimingOrReleasingAPortRewritesTheClusterLockAndOtherWritesDoNot() {
        long start = clusterVersion();
        api.createService(spec("plain"));
        assertEquals(start, clusterVersion(), "no port: no lock");
        String id = api.createService(spec("pinned", "80:8080:host"));
        assertTrue(clusterVersion() > start, "a host-mode port may not meet an ingress port: it locks too");
        start = clusterVersion();
        String web = api.createService(spec("web", "80:0"));
        long claimed = clusterVersion();
        assertTrue(claimed > start, "a claim rewrites the cluster object");
        assertEquals(200, update(web, spec("web", "80:0")).status());
        assertEquals(claimed, clusterVersion(), "the same ports again: nothing claimed, no lock");
        assertEquals(200, update(web, spec("web")).status());
        assertTrue(clusterVersion() > claimed, "a release rewrites it too");
        assertEquals(List.of(8080), published(id));
    }

    @Test
    void publishAddOfAFurtherIngressPortRollsNothingButTheFirstAndTheLastDo() {
        String id = api.createService(spec("web"));
        assertEquals(1, api.service(id).getSpecVersion());
        assertEquals(200, update(id, spec("web", "80:8080")).status());
        assertEquals(2, api.service(id).getSpecVersion(), "the first ingress port: tasks join the ingress network");
        assertEquals(200, update(id, spec("web", "80:8080", "443:8443")).status());
        assertEquals(2, api.service(id).getSpecVersion(), "another ingress port: only the data path changes");
        assertEquals(List.of(8080, 8443), published(id));
        assertEquals(200, update(id, spec("web", "443:8443")).status());
        assertEquals(2, api.service(id).getSpecVersion());
        assertEquals(200, update(id, spec("web", "443:8443", "22:2222:host")).status());
        assertEquals(3, api.service(id).getSpecVersion(), "a host-mode port binds on the task's node: tasks roll");
        assertEquals(200, update(id, spec("web", "22:2222:host")).status());
        assertEquals(4, api.service(id).getSpecVersion(), "the last ingress port: tasks leave the ingress network");
    }

    @Test
    void anIngressPortOfAServiceThatNamesTheProcessRuntimeIsRefusedNamingTheField() {
        ApiFixture.Reply r = api.post("/v1.47/services/create", spec("web", "80:8080").replace("\"ContainerSpec\":{\"Image\":\"busybox\"}",
                "\"ContainerSpec\":{\"Image\":\"busybox\"},\"Runtime\":\"process\""));
        assertEquals(400, r.status());
        assertEquals("invalid ServiceSpec: EndpointSpec.Ports: the process runtime does not join orch's overlay networks: "
                + "ingress-mode ports need the runc runtime (or publish with mode=host)", r.message());
        assertEquals(0, api.serviceCount());
    }

    private long clusterVersion() {
        return api.store.read(r -> r.cluster().orElseThrow().getVersion().getIndex());
    }
}
