package io.orch.agent.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orch.api.json.DockerJson;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A body field orch does not keep is refused with one line naming it, and nothing is stored. */
class StrictBodiesRoutesTest {
    private final ApiFixture api = new ApiFixture();

    @AfterEach
    void close() throws Exception {
        api.close();
    }

    private ObjectNode recorded() throws Exception {
        return (ObjectNode) DockerJson.MAPPER.readTree(RecordedBodies.SERVICE_CREATE_11);
    }

    @Test
    void anUnknownContainerSpecFieldIsRefused() throws Exception {
        ObjectNode body = recorded();
        ((ObjectNode) body.at("/TaskTemplate/ContainerSpec")).put("Foo", "bar");
        ApiFixture.Reply r = api.post("/v1.47/services/create", body.toString());
        assertEquals(400, r.status());
        assertEquals("invalid ServiceSpec: TaskTemplate.ContainerSpec.Foo: not supported by orch", r.message());
        assertEquals(0, api.serviceCount());
    }

    @Test
    void genericResourcesAreRefusedWithTheReason() throws Exception {
        ObjectNode body = recorded();
        ((ObjectNode) body.at("/TaskTemplate/Resources/Reservations")).putArray("GenericResources").addObject()
                .putObject("DiscreteResourceSpec").put("Kind", "gpu").put("Value", 1);
        ApiFixture.Reply r = api.post("/v1.47/services/create", body.toString());
        assertEquals(400, r.status());
        assertEquals("invalid ServiceSpec: TaskTemplate.Resources.Reservations.GenericResources: not supported by orch: "
                + "orch nodes advertise no generic resources, so a task reserving them could never be placed", r.message());
        assertEquals(0, api.serviceCount());
    }

    @Test
    void aReasonIsFoundThroughListIndexes() throws Exception {
        ObjectNode body = recorded();
        ((ObjectNode) body.at("/TaskTemplate/ContainerSpec")).putArray("Configs").addObject()
                .put("ConfigName", "c").putObject("Runtime");
        ApiFixture.Reply r = api.post("/v1.47/services/create", body.toString());
        assertEquals(400, r.status());
        assertEquals("invalid ServiceSpec: TaskTemplate.ContainerSpec.Configs[0].Runtime: not supported by orch: "
                + "orch has no runtime configs (Windows credential specs)", r.message());
    }

    @Test
    void anUpdateIsReadAsStrictly() throws Exception {
        String id = api.createService(RecordedBodies.SERVICE_CREATE_11);
        ObjectNode body = recorded();
        body.put("Typo", true);
        ApiFixture.Reply r = api.post("/v1.47/services/" + id + "/update?version=" + api.service(id).getVersion().getIndex(),
                body.toString());
        assertEquals(400, r.status());
        assertEquals("invalid ServiceSpec: Typo: not supported by orch", r.message());
    }

    @Test
    void configTemplatingAndSecretDriversAreRefused() {
        ApiFixture.Reply config = api.post("/v1.47/configs/create",
                "{\"Name\":\"c\",\"Data\":\"eA==\",\"Templating\":{\"Name\":\"golang\"}}");
        assertEquals(400, config.status());
        assertEquals("invalid config spec: Templating.Name: not supported by orch: orch has no template drivers; "
                + "the data is given to tasks as stored", config.message());
        ApiFixture.Reply secret = api.post("/v1.47/secrets/create",
                "{\"Name\":\"s\",\"Data\":\"eA==\",\"Driver\":{\"Name\":\"vault\"}}");
        assertEquals(400, secret.status());
        assertEquals("invalid secret spec: Driver.Name: not supported by orch: orch keeps secrets and configs in its own store and has "
                + "no secret drivers", secret.message());
        assertEquals(201, api.post("/v1.47/configs/create", "{\"Name\":\"c\",\"Data\":\"eA==\",\"Templating\":null}").status());
    }

    @Test
    void aNodeSpecTypoIsRefused() {
        ApiFixture.Reply r = api.post("/v1.47/nodes/" + ApiFixture.SELF + "/update?version="
                + api.storedNode(ApiFixture.SELF).getVersion().getIndex(), "{\"Role\":\"manager\",\"Availabilty\":\"drain\"}");
        assertEquals(400, r.status());
        assertEquals("invalid NodeSpec: Availabilty: not supported by orch", r.message());
    }

    @Test
    void networkCreateRefusesWhatItCannotKeepAndWarnsOfWhatItDoesNotApply() {
        assertEquals("invalid network spec: EnableIPv6: orch overlay networks are IPv4 only",
                api.post("/v1.47/networks/create", "{\"Name\":\"n1\",\"EnableIPv6\":true}").message());
        assertEquals("invalid network spec: IPAM.Config[0].AuxiliaryAddresses.host1: not supported by orch",
                api.post("/v1.47/networks/create", "{\"Name\":\"n1\",\"IPAM\":{\"Config\":[{\"Subnet\":\"10.9.0.0/24\","
                        + "\"AuxiliaryAddresses\":{\"host1\":\"10.9.0.5\"}}]}}").message());
        assertEquals("invalid network spec: ConfigFrom.Network: orch has no config-only networks to copy from",
                api.post("/v1.47/networks/create", "{\"Name\":\"n1\",\"ConfigFrom\":{\"Network\":\"base\"}}").message());
        assertEquals("invalid network spec: Foo: not supported by orch",
                api.post("/v1.47/networks/create", "{\"Name\":\"n1\",\"Foo\":\"x\"}").message());
        ApiFixture.Reply ok = api.post("/v1.47/networks/create", "{\"name\":\"n1\",\"attachable\":true,\"EnableIPv6\":false}");
        assertEquals(201, ok.status(), ok.body());
        assertEquals("Attachable is kept but has no effect: orch runs no standalone containers to attach",
                ok.json().get("Warning").asText());
        assertEquals(true, api.get("/v1.47/networks/n1").json().get("Attachable").asBoolean(), "a lower-case key is read, not dropped");
    }
}
