package io.orch.agent.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.orch.api.proto.ContainerStatus;
import io.orch.api.proto.NodeSpec;
import io.orch.api.proto.NodeStatus;
import io.orch.api.proto.PortConfig;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskState;
import io.orch.api.proto.TaskStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static io.orch.agent.api.ApiFixture.filters;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TaskRoutesTest {
    private final ApiFixture api = new ApiFixture();
    private String web;
    private String db;

    @BeforeEach
    void seed() {
        api.write(tx -> tx.create(ApiFixture.node(ApiFixture.WORKER, "host2", NodeSpec.Role.WORKER, NodeStatus.State.READY)));
        web = api.createService("{\"Name\":\"web\",\"TaskTemplate\":{\"ContainerSpec\":{\"Image\":\"busybox:1\"}},"
                + "\"Mode\":{\"Replicated\":{\"Replicas\":2}}}");
        db = api.createService("{\"Name\":\"db\",\"TaskTemplate\":{\"ContainerSpec\":{\"Image\":\"redis\"}}}");
        // web moves to spec version 2; w-old is from version 1 and already shut down
        long v = api.service(web).getVersion().getIndex();
        api.post("/services/" + web + "/update?version=" + v, "{\"Name\":\"web\",\"TaskTemplate\":{\"ContainerSpec\":"
                + "{\"Image\":\"busybox:2\"}},\"Mode\":{\"Replicated\":{\"Replicas\":2}}}");
        api.addTask(task("w-old", web, 1, ApiFixture.SELF, TaskState.SHUTDOWN, TaskState.FAILED, 1)
                .toBuilder().setStatus(TaskStatus.newBuilder().setState(TaskState.FAILED).setErr("task: non-zero exit (137)")
                        .setContainerStatus(ContainerStatus.newBuilder().setExitCode(137))).build());
        api.addTask(task("w-1", web, 1, ApiFixture.SELF, TaskState.RUNNING, TaskState.RUNNING, 2));
        api.addTask(task("w-2", web, 2, ApiFixture.WORKER, TaskState.RUNNING, TaskState.STARTING, 2)
                .toBuilder().putLabels("tier", "front").build());
        api.addTask(task("d-1", db, 1, ApiFixture.WORKER, TaskState.REMOVE, TaskState.SHUTDOWN, 1));
    }

    @AfterEach
    void close() throws Exception {
        api.close();
    }

    static Task task(String id, String service, long slot, String node, TaskState desired, TaskState state, long specVersion) {
        return ServiceRoutesTest.task(id, service, node, desired, state).toBuilder().setSlot(slot).setSpecVersion(specVersion).build();
    }

    private Set<String> ids(String query) {
        ApiFixture.Reply r = api.get("/v1.47/tasks" + (query.isEmpty() ? "" : "?" + query));
        assertEquals(200, r.status(), r.body());
        Set<String> ids = new HashSet<>();
        for (JsonNode t : r.json()) {
            ids.add(t.get("ID").asText());
        }
        return ids;
    }

    @Test
    void listsAllTasksIncludingRemovedOnes() {
        assertEquals(Set.of("w-old", "w-1", "w-2", "d-1"), ids(""));
    }

    @Test
    void upToDateAndServiceAsTheCliSendsThem() {
        assertEquals(Set.of("w-1", "w-2"), ids(filters("{\"_up-to-date\":{\"true\":true},\"service\":{\"" + web + "\":true}}")));
        assertEquals(Set.of("w-old", "w-1", "w-2"), ids(filters("{\"service\":{\"web\":true}}")));
        assertEquals(Set.of("d-1"), ids(filters("{\"service\":[\"" + db.substring(0, 10) + "\"]}")));
        assertEquals(404, api.get("/tasks?" + filters("{\"service\":{\"nosuch\":true}}")).status());
    }

    @Test
    void desiredStateNodeLabelIdAndNameFilters() {
        assertEquals(Set.of("w-1", "w-2"), ids(filters("{\"desired-state\":{\"running\":true}}")));
        assertEquals(Set.of("w-old", "d-1"), ids(filters("{\"desired-state\":{\"shutdown\":true}}")));
        assertEquals(400, api.get("/tasks?" + filters("{\"desired-state\":{\"bogus\":true}}")).status());
        assertEquals(Set.of("w-2", "d-1"), ids(filters("{\"node\":{\"host2\":true}}")));
        assertEquals(Set.of("w-old", "w-1"), ids(filters("{\"node\":[\"" + ApiFixture.SELF + "\"]}")));
        assertEquals(Set.of("w-2"), ids(filters("{\"label\":{\"tier=front\":true}}")));
        assertEquals(Set.of("w-old", "w-1", "w-2"), ids(filters("{\"id\":{\"w-\":true}}")));
        assertEquals(Set.of("w-old", "w-1"), ids(filters("{\"name\":{\"web.1\":true}}")));
    }

    @Test
    void taskJsonHasWhatTheCliDereferences() {
        api.addTask(Task.newBuilder().setId("bare").setServiceId(db).setDesiredState(TaskState.RUNNING)
                .setStatus(TaskStatus.newBuilder().setState(TaskState.RUNNING)
                        .addPortStatus(PortConfig.newBuilder().setTargetPort(443).setPublishedPort(8443)
                                .setPublishMode(PortConfig.PublishMode.HOST)))
                .build());
        JsonNode t = api.get("/v1.47/tasks/bare").json();
        assertTrue(t.at("/Spec/ContainerSpec").has("Image"));
        assertEquals("running", t.get("DesiredState").asText());
        assertEquals("running", t.at("/Status/State").asText());
        assertTrue(t.at("/Status/Timestamp").isTextual(), t.toString());
        assertEquals(8443, t.at("/Status/PortStatus/Ports/0/PublishedPort").asInt());

        JsonNode old = api.get("/v1.47/tasks/w-old").json();
        assertEquals(1, old.get("Slot").asInt());
        assertEquals(ApiFixture.SELF, old.get("NodeID").asText());
        assertEquals("shutdown", old.get("DesiredState").asText());
        assertEquals("failed", old.at("/Status/State").asText());
        assertEquals("task: non-zero exit (137)", old.at("/Status/Err").asText());
        assertEquals(137, old.at("/Status/ContainerStatus/ExitCode").asInt());
        assertEquals("x", old.at("/Spec/ContainerSpec/Image").asText());
    }

    @Test
    void tasksResolveByPrefixAndName() {
        assertEquals("d-1", api.get("/tasks/d-").json().get("ID").asText());
        assertEquals("w-2", api.get("/tasks/web.2.w-2").json().get("ID").asText());
        ApiFixture.Reply ambiguous = api.get("/tasks/w-");
        assertEquals(400, ambiguous.status());
        assertEquals("task w- is ambiguous (3 matches found)", ambiguous.message());
        assertEquals("task nope not found", api.get("/tasks/nope").message());
    }
}
