package io.orch.agent.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orch.api.json.DockerJson;
import io.orch.api.proto.NodeSpec;
import io.orch.api.proto.NodeStatus;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskState;
import io.orch.api.proto.TaskStatus;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class RenderedJsonTest {
    @Test
    void anArrayOfRenderedValuesIsWhatJacksonWritesForTheArray() throws Exception {
        ArrayNode tree = DockerJson.MAPPER.createArrayNode();
        tree.addObject().put("A", 1);
        tree.addObject();
        tree.addObject().put("B", "x\"y");
        List<byte[]> elements = List.of(bytes("{\"A\":1}"), bytes("{}"), bytes("{\"B\":\"x\\\"y\"}"));
        assertEquals(DockerJson.MAPPER.writeValueAsString(tree), text(RenderedJson.array(elements)));
        assertEquals("[]", text(RenderedJson.array(List.of())));
    }

    @Test
    void anAddedMemberComesLastAsObjectNodeSetAppendsIt() throws Exception {
        ObjectNode tree = DockerJson.MAPPER.createObjectNode().put("ID", "s1");
        tree.putObject("ServiceStatus").put("RunningTasks", 1L);
        assertEquals(DockerJson.MAPPER.writeValueAsString(tree),
                text(RenderedJson.withMember(bytes("{\"ID\":\"s1\"}"), "ServiceStatus", "{\"RunningTasks\":1}")));
        assertEquals("{\"S\":2}", text(RenderedJson.withMember(bytes("{}"), "S", "2")));
    }

    @Test
    void anObjectIsRenderedOnceWhileItIsTheSameObject() {
        RenderedJson<Task> rendered = new RenderedJson<>(TaskJson::write);
        Task t = Task.newBuilder().setId("t1").build();
        assertSame(rendered.of(t), rendered.of(t));
    }

    /** The store replaces a task on every status report; a list must show the new one, never a rendering of the old. */
    @Test
    void aTaskListShowsATaskAsTheStoreHoldsItAfterItChanged() throws Exception {
        try (ApiFixture api = new ApiFixture()) {
            api.write(tx -> tx.create(ApiFixture.node(ApiFixture.WORKER, "host2", NodeSpec.Role.WORKER, NodeStatus.State.READY)));
            String web = api.createService("{\"Name\":\"web\",\"TaskTemplate\":{\"ContainerSpec\":{\"Image\":\"busybox\"}}}");
            Task task = TaskRoutesTest.task("w-1", web, 1, ApiFixture.WORKER, TaskState.RUNNING, TaskState.STARTING, 1);
            api.addTask(task);
            assertEquals("starting", state(api, "w-1"));
            assertEquals("starting", api.get("/v1.47/tasks/w-1").json().get("Status").get("State").asText());

            Task stored = api.store.read(tx -> tx.task("w-1")).orElseThrow();
            api.write(tx -> tx.update(stored.toBuilder().setStatus(TaskStatus.newBuilder().setState(TaskState.RUNNING)).build()));
            assertEquals("running", state(api, "w-1"));
            assertEquals("running", api.get("/v1.47/tasks/w-1").json().get("Status").get("State").asText());
        }
    }

    private static String state(ApiFixture api, String id) {
        ApiFixture.Reply r = api.get("/v1.47/tasks");
        assertEquals(200, r.status(), r.body());
        for (var t : r.json()) {
            if (t.get("ID").asText().equals(id)) {
                return t.get("Status").get("State").asText();
            }
        }
        throw new AssertionError(id + " not listed: " + r.body());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
