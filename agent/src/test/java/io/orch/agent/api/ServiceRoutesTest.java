package io.orch.agent.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpMethod;
import io.orch.api.json.DockerJson;
import io.orch.api.proto.NodeSpec;
import io.orch.api.proto.NodeStatus;
import io.orch.api.proto.Service;
import io.orch.api.proto.ServiceSpec;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskState;
import io.orch.api.proto.TaskStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServiceRoutesTest {
    private final ApiFixture api = new ApiFixture();

    @AfterEach
    void close() throws Exception {
        api.close();
    }

    private static String spec(String name, String image, int replicas) {
        return "{\"Name\":\"" + name + "\",\"TaskTemplate\":{\"ContainerSpec\":{\"Image\":\"" + image + "\"}},"
                + "\"Mode\":{\"Replicated\":{\"Replicas\":" + replicas + "}}}";
    }

    private static ObjectNode recordedBody() throws Exception {
        return (ObjectNode) DockerJson.MAPPER.readTree(RecordedBodies.SERVICE_CREATE_11);
    }

    @Test
    void createStoresExactlyTheRecordedSpec() throws Exception {
        ApiFixture.Reply r = api.post("/v1.47/services/create", RecordedBodies.SERVICE_CREATE_11);
        assertEquals(201, r.status(), r.body());
        String id = r.json().get("ID").asText();
        assertEquals(25, id.length());
        assertTrue(r.json().get("Warnings").isArray());

        Service stored = api.service(id);
        ServiceSpec requested = DockerJson.merge(recordedBody(), ServiceSpec.newBuilder()).build();
        assertEquals(requested, stored.getSpec());
        assertEquals(1, stored.getSpecVersion());
        assertEquals(8080, stored.getEndpoint().getPorts(0).getPublishedPort());
        assertEquals(stored.getSpec().getEndpointSpec(), stored.getEndpoint().getSpec());

        JsonNode inspected = api.get("/v1.47/services/" + id + "?insertDefaults=false").json();
        assertEquals("busybox:latest@sha256:" + "ab".repeat(32), inspected.at("/Spec/TaskTemplate/ContainerSpec/Image").asText());
        assertEquals(3, inspected.at("/Spec/Mode/Replicated/Replicas").asInt());
        assertEquals(5_000_000_000L, inspected.at("/Spec/TaskTemplate/RestartPolicy/Delay").asLong());
    }

    @Test
    void negativeReplicasAre400NamingTheFieldAndNothingIsStored() throws Exception {
        ObjectNode body = recordedBody();
        ((ObjectNode) body.at("/Mode/Replicated")).put("Replicas", -1);
        ApiFixture.Reply r = api.post("/v1.47/services/create", body.toString());
        assertEquals(400, r.status());
        assertEquals("invalid ServiceSpec: Mode.Replicated.Replicas: must be a non-negative integer, got -1", r.message());
        assertEquals(0, api.serviceCount());
    }

    @Test
    void validationErrorsNameTheField() {
        assertEquals("invalid ServiceSpec: TaskTemplate.ContainerSpec.Image: is required",
                api.post("/services/create", "{\"Name\":\"web\"}").message());
        assertEquals("invalid ServiceSpec: Name: is required",
                api.post("/services/create", "{\"TaskTemplate\":{\"ContainerSpec\":{\"Image\":\"x\"}}}").message());
        assertTrue(api.post("/services/create", "not json").message().startsWith("invalid JSON in request body"));
        assertEquals(400, api.post("/services/create", "").status());
        assertEquals(0, api.serviceCount());
    }

    @Test
    void missingModeMeansOneReplica() {
        String id = api.createService("{\"Name\":\"one\",\"TaskTemplate\":{\"ContainerSpec\":{\"Image\":\"x\"}}}");
        assertEquals(1, api.service(id).getSpec().getMode().getReplicated().getReplicas());
    }

    @Test
    void duplicateNameIs409AndLeavesTheFirstUnchanged() {
        String id = api.createService(spec("web", "busybox", 2));
        Service before = api.service(id);
        ApiFixture.Reply r = api.post("/v1.47/services/create", spec("web", "nginx", 5));
        assertEquals(409, r.status());
        assertEquals("name conflicts with an existing object: service web already exists", r.message());
        assertEquals(1, api.serviceCount());
        assertEquals(before, api.service(id));
    }

    @Test
    void updateWithAStaleVersionIs409() {
        String id = api.createService(spec("web", "busybox", 2));
        long version = api.service(id).getVersion().getIndex();
        assertEquals(200, api.post("/v1.47/services/" + id + "/update?version=" + version, spec("web", "busybox", 3)).status());
        ApiFixture.Reply stale = api.post("/v1.47/services/" + id + "/update?version=" + version, spec("web", "busybox", 4));
        assertEquals(409, stale.status());
        assertEquals("update out of sequence", stale.message());
        assertEquals(3, api.service(id).getSpec().getMode().getReplicated().getReplicas());
        assertEquals(400, api.post("/v1.47/services/" + id + "/update", spec("web", "busybox", 4)).status());
    }

    @Test
    void specVersionMovesOnlyWhenTheTaskTemplateChanges() {
        String id = api.createService(spec("web", "busybox", 2));
        Service s = api.service(id);
        ApiFixture.Reply scaled = api.post("/services/" + id + "/update?version=" + s.getVersion().getIndex(), spec("web", "busybox", 5));
        assertEquals(200, scaled.status());
        assertTrue(scaled.json().get("Warnings").isArray());
        s = api.service(id);
        assertEquals(1, s.getSpecVersion(), "scaling alone must not restart tasks");
        assertEquals(2, s.getPreviousSpec().getMode().getReplicated().getReplicas());

        api.post("/services/" + id + "/update?version=" + s.getVersion().getIndex(), spec("web", "busybox:2", 5));
        s = api.service(id);
        assertEquals(2, s.getSpecVersion());

        String forced = "{\"Name\":\"web\",\"TaskTemplate\":{\"ContainerSpec\":{\"Image\":\"busybox:2\"},\"ForceUpdate\":1},"
                + "\"Mode\":{\"Replicated\":{\"Replicas\":5}}}";
        api.post("/services/" + id + "/update?version=" + s.getVersion().getIndex(), forced);
        assertEquals(3, api.service(id).getSpecVersion());
    }

    @Test
    void rollbackPreviousSwapsInThePreviousSpec() {
        String id = api.createService(spec("web", "busybox:1", 2));
        Service s = api.service(id);
        ApiFixture.Reply none = api.post("/services/" + id + "/update?rollback=previous&version=" + s.getVersion().getIndex(),
                spec("web", "busybox:1", 2));
        assertEquals(400, none.status());
        assertEquals("service web does not have a previous spec", none.message());

        api.post("/services/" + id + "/update?version=" + s.getVersion().getIndex(), spec("web", "busybox:2", 2));
        s = api.service(id);
        // the CLI sends the current spec as the body; the server swaps in PreviousSpec
        ApiFixture.Reply r = api.post("/v1.47/services/" + id + "/update?rollback=previous&version=" + s.getVersion().getIndex(),
                spec("web", "busybox:2", 2));
        assertEquals(200, r.status(), r.body());
        Service rolled = api.service(id);
        assertEquals("busybox:1", rolled.getSpec().getTaskTemplate().getContainerSpec().getImage());
        assertEquals("busybox:2", rolled.getPreviousSpec().getTaskTemplate().getContainerSpec().getImage());
        assertEquals(3, rolled.getSpecVersion());
        assertEquals("rollback_started", DockerJson.toJson(rolled).at("/UpdateStatus/State").asText());
    }

    @Test
    void renamingIsRejected() {
        String id = api.createService(spec("web", "busybox", 2));
        ApiFixture.Reply r = api.post("/services/" + id + "/update?version=" + api.service(id).getVersion().getIndex(),
                spec("web2", "busybox", 2));
        assertEquals(400, r.status());
        assertEquals("renaming services is not supported", r.message());
    }

    @Test
    void servicesResolveByIdNameAndUniquePrefix() {
        String a = api.createService(spec("alpha", "x", 1));
        String b = api.createService(spec("beta", "x", 1));
        assertEquals(a, api.get("/services/" + a).json().get("ID").asText());
        assertEquals(b, api.get("/services/beta").json().get("ID").asText());
        int common = 0;
        while (a.charAt(common) == b.charAt(common)) {
            common++;
        }
        assertEquals(a, api.get("/services/" + a.substring(0, common + 1)).json().get("ID").asText());
        ApiFixture.Reply missing = api.get("/services/nosuch");
        assertEquals(404, missing.status());
        assertEquals("service nosuch not found", missing.message());
        if (common == 0) {
            return; // the ids share no prefix, so no ambiguous prefix exists
        }
        ApiFixture.Reply ambiguous = api.get("/services/" + a.substring(0, common));
        assertEquals(400, ambiguous.status());
        assertEquals("service " + a.substring(0, common) + " is ambiguous (2 matches found)", ambiguous.message());
    }

    @Test
    void ambiguousPrefixWithKnownIds() {
        api.write(tx -> {
            tx.create(ServiceChange.created("abc111", ServiceSpecValidator.withDefaultMode(spec1("one"))));
            tx.create(ServiceChange.created("abc222", ServiceSpecValidator.withDefaultMode(spec1("two"))));
        });
        ApiFixture.Reply r = api.get("/services/abc");
        assertEquals(400, r.status());
        assertEquals("service abc is ambiguous (2 matches found)", r.message());
        assertEquals("abc222", api.get("/services/abc2").json().get("ID").asText());
        // a name wins over an id prefix
        api.write(tx -> tx.create(ServiceChange.created("zzz", ServiceSpecValidator.withDefaultMode(spec1("abc")))));
        assertEquals("zzz", api.get("/services/abc").json().get("ID").asText());
    }

    private static ServiceSpec spec1(String name) {
        return ServiceSpec.newBuilder().setName(name)
                .setTaskTemplate(io.orch.api.proto.TaskSpec.newBuilder()
                        .setContainerSpec(io.orch.api.proto.ContainerSpec.newBuilder().setImage("x"))).build();
    }

    @Test
    void insertDefaultsFillsOutputOnly() {
        String id = api.createService(spec("web", "busybox", 2));
        JsonNode spec = api.get("/services/web?insertDefaults=true").json().get("Spec");
        assertEquals(1, spec.at("/UpdateConfig/Parallelism").asInt());
        assertEquals("pause", spec.at("/UpdateConfig/FailureAction").asText());
        assertEquals(5_000_000_000L, spec.at("/UpdateConfig/Monitor").asLong());
        assertEquals("stop-first", spec.at("/RollbackConfig/Order").asText());
        assertTrue(spec.at("/UpdateConfig/MaxFailureRatio").isNumber());
        assertEquals("any", spec.at("/TaskTemplate/RestartPolicy/Condition").asText());
        assertEquals(0, spec.at("/TaskTemplate/RestartPolicy/MaxAttempts").asInt(-1));
        assertEquals(10_000_000_000L, spec.at("/TaskTemplate/ContainerSpec/StopGracePeriod").asLong());
        assertEquals("vip", spec.at("/EndpointSpec/Mode").asText());
        assertFalse(api.service(id).getSpec().hasUpdateConfig(), "the stored spec keeps what the user sent");
        assertFalse(api.get("/services/web").json().get("Spec").has("UpdateConfig"));
    }

    @Test
    void deleteRemovesTheServiceAnd404sAfterwards() {
        api.createService(spec("web", "busybox", 2));
        ApiFixture.Reply r = api.call(HttpMethod.DELETE, "/v1.47/services/web", null);
        assertEquals(200, r.status());
        assertEquals("", r.body());
        assertEquals("0", r.headers().get("Content-Length"));
        assertEquals(0, api.serviceCount());
        assertEquals(404, api.call(HttpMethod.DELETE, "/v1.47/services/web", null).status());
    }

    @Test
    void listFiltersByIdNameLabelAndMode() {
        String web = api.createService("{\"Name\":\"st_web\",\"Labels\":{\"com.docker.stack.namespace\":\"st\"},"
                + "\"TaskTemplate\":{\"ContainerSpec\":{\"Image\":\"x\"}}}");
        api.createService("{\"Name\":\"st_db\",\"Labels\":{\"com.docker.stack.namespace\":\"st\"},"
                + "\"TaskTemplate\":{\"ContainerSpec\":{\"Image\":\"x\"}},\"Mode\":{\"Global\":{}}}");
        api.createService(spec("other", "x", 1));
        assertEquals(3, api.get("/services").json().size());
        assertEquals(2, api.get("/services?" + ApiFixture.filters("{\"label\":{\"com.docker.stack.namespace=st\":true}}")).json().size());
        assertEquals(2, api.get("/services?" + ApiFixture.filters("{\"label\":{\"com.docker.stack.namespace\":true}}")).json().size());
        assertEquals(0, api.get("/services?" + ApiFixture.filters("{\"label\":[\"com.docker.stack.namespace=zz\"]}")).json().size());
        assertEquals(2, api.get("/services?" + ApiFixture.filters("{\"name\":{\"st_\":true}}")).json().size());
        assertEquals(1, api.get("/services?" + ApiFixture.filters("{\"name\":[\"other\"]}")).json().size());
        assertEquals(web, api.get("/services?" + ApiFixture.filters("{\"id\":{\"" + web.substring(0, 12) + "\":true}}"))
                .json().get(0).get("ID").asText());
        assertEquals(1, api.get("/services?" + ApiFixture.filters("{\"mode\":{\"global\":true}}")).json().size());
        ApiFixture.Reply bad = api.get("/services?" + ApiFixture.filters("{\"colour\":{\"red\":true}}"));
        assertEquals(400, bad.status());
        assertEquals("invalid filter 'colour'", bad.message());
    }

    @Test
    void statusTrueCountsRunningDesiredAndCompleted() {
        api.write(tx -> tx.create(ApiFixture.node(ApiFixture.WORKER, "host2", NodeSpec.Role.WORKER, NodeStatus.State.DOWN)));
        String web = api.createService(spec("web", "x", 3));
        String global = api.createService("{\"Name\":\"agent\",\"TaskTemplate\":{\"ContainerSpec\":{\"Image\":\"x\"}},\"Mode\":{\"Global\":{}}}");
        api.addTask(task("t1", web, ApiFixture.SELF, TaskState.RUNNING, TaskState.RUNNING));
        api.addTask(task("t2", web, ApiFixture.SELF, TaskState.RUNNING, TaskState.PREPARING));
        api.addTask(task("t3", web, ApiFixture.WORKER, TaskState.RUNNING, TaskState.RUNNING)); // node down
        api.addTask(task("t4", web, ApiFixture.SELF, TaskState.SHUTDOWN, TaskState.RUNNING)); // being stopped
        api.addTask(task("g1", global, ApiFixture.SELF, TaskState.RUNNING, TaskState.RUNNING));
        api.addTask(task("g2", global, ApiFixture.WORKER, TaskState.RUNNING, TaskState.PENDING));

        JsonNode list = api.get("/v1.47/services?status=true").json();
        for (JsonNode s : list) {
            JsonNode status = s.get("ServiceStatus");
            if (s.get("ID").asText().equals(web)) {
                assertEquals(1, status.get("RunningTasks").asInt());
                assertEquals(3, status.get("DesiredTasks").asInt());
            } else {
                assertEquals(1, status.get("RunningTasks").asInt());
                assertEquals(2, status.get("DesiredTasks").asInt());
            }
            assertEquals(0, status.get("CompletedTasks").asInt());
        }
        assertFalse(api.get("/v1.47/services").json().get(0).has("ServiceStatus"));
    }

    static Task task(String id, String serviceId, String nodeId, TaskState desired, TaskState state) {
        return Task.newBuilder().setId(id).setServiceId(serviceId).setNodeId(nodeId).setSlot(1).setSpecVersion(1)
                .setDesiredState(desired)
                .setSpec(io.orch.api.proto.TaskSpec.newBuilder()
                        .setContainerSpec(io.orch.api.proto.ContainerSpec.newBuilder().setImage("x")))
                .setStatus(TaskStatus.newBuilder().setState(state)).build();
    }
}
