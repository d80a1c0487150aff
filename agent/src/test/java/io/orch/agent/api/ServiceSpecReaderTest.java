package io.orch.agent.api;

import io.orch.api.json.DockerJson;
import io.orch.api.proto.ServiceSpec;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The deprecated top-level ServiceSpec.Networks that old SDKs still send. */
class ServiceSpecReaderTest {
    private static ServiceSpec read(String json) throws Exception {
        return ServiceSpecReader.read(DockerJson.MAPPER.readTree(json));
    }

    @Test
    void topLevelNetworksBecomeTheTaskTemplatesWhenItHasNone() throws Exception {
        ServiceSpec spec = read("{\"Name\":\"web\",\"TaskTemplate\":{\"ContainerSpec\":{\"Image\":\"busybox\"}},"
                + "\"Networks\":[{\"Target\":\"backend\",\"Aliases\":[\"api\"]}]}");
        assertEquals(1, spec.getTaskTemplate().getNetworksCount());
        assertEquals("backend", spec.getTaskTemplate().getNetworks(0).getTarget());
        assertEquals("api", spec.getTaskTemplate().getNetworks(0).getAliases(0));
    }

    @Test
    void keysAreMatchedCaseInsensitivelyAsGoDoes() throws Exception {
        ServiceSpec spec = read("{\"Name\":\"web\",\"taskTemplate\":{\"ContainerSpec\":{\"Image\":\"busybox\"}},"
                + "\"networks\":[{\"Target\":\"backend\"}]}");
        assertEquals("backend", spec.getTaskTemplate().getNetworks(0).getTarget());
    }

    @Test
    void theSameNetworksInBothPlacesAreAccepted() throws Exception {
        ServiceSpec spec = read("{\"Name\":\"web\",\"TaskTemplate\":{\"ContainerSpec\":{\"Image\":\"busybox\"},"
                + "\"Networks\":[{\"Target\":\"backend\"}]},\"Networks\":[{\"Target\":\"backend\"}]}");
        assertEquals(1, spec.getTaskTemplate().getNetworksCount());
    }

    @Test
    void differentNetworksInBothPlacesAreRefusedNamingTheField() {
        ApiException e = assertThrows(ApiException.class, () -> read("{\"Name\":\"web\",\"TaskTemplate\":{\"ContainerSpec\":"
                + "{\"Image\":\"busybox\"},\"Networks\":[{\"Target\":\"front\"}]},\"Networks\":[{\"Target\":\"backend\"}]}"));
        assertEquals(400, e.status().code());
        assertTrue(e.getMessage().startsWith("invalid ServiceSpec: Networks: the deprecated top-level Networks differ"),
                e.getMessage());
    }

    @Test
    void aMalformedTopLevelListIsNamedWhereItWas() {
        ApiException e = assertThrows(ApiException.class, () -> read("{\"Name\":\"web\",\"TaskTemplate\":{\"ContainerSpec\":"
                + "{\"Image\":\"busybox\"}},\"Networks\":[{\"Target\":7}]}"));
        assertTrue(e.getMessage().startsWith("invalid ServiceSpec: Networks[0].Target: must be a string"),
                e.getMessage());
    }
}
