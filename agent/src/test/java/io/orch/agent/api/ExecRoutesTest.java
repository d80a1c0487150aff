package io.orch.agent.api;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.orch.agent.worker.LocalTask;
import io.orch.api.proto.ContainerSpec;
import io.orch.api.proto.ContainerStatus;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskSpec;
import io.orch.api.proto.TaskState;
import io.orch.api.proto.TaskStatus;
import io.orch.runtime.ContainerIds;
import io.orch.runtime.TaskHandle;
import io.orch.runtime.fake.FakeRuntime;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ExecRoutesTest {
    private static LocalTask running(String id) {
        Task t = Task.newBuilder().setId(id).setServiceId("svc1").setSlot(1).setNodeId("node1")
                .setSpec(TaskSpec.newBuilder().setContainerSpec(ContainerSpec.newBuilder().setImage("busybox")))
                .setStatus(TaskStatus.newBuilder().setState(TaskState.RUNNING)
                        .setContainerStatus(ContainerStatus.newBuilder().setContainerId(ContainerIds.derived(id)).setPid(42)))
                .build();
        TaskHandle h = new TaskHandle(id, "fake", 42, 0, "orch-" + id, Map.of());
        return new LocalTask(t, "web", new FakeRuntime(), Optional.of(h));
    }

    @Test
    void aRuntimeWithoutInteractiveExecIsRefusedAtCreateWithItsReason() {
        Router router = new Router();
        NodeContainers node = new NodeContainers("node1", () -> List.of(running("t1")), null, null, Clock.systemUTC());
        new ExecRoutes(node).register(router);
        String id = ContainerIds.derived("t1");
        Router.Match m = router.match(HttpMethod.POST, "/containers/" + id + "/exec");
        ApiRequest create = new ApiRequest(HttpMethod.POST, "/containers/" + id + "/exec", m.params(), Map.of(),
                "{\"Cmd\":[\"true\"],\"AttachStdout\":true}".getBytes(StandardCharsets.UTF_8));
        ApiException e = assertThrows(ApiException.class, () -> m.route().handler().handle(create));
        assertEquals(HttpResponseStatus.CONFLICT, e.status());
        assertEquals("the fake runtime cannot run commands in its tasks (docker exec needs a task of the runc runtime)", e.getMessage());
    }
}
