package io.orch.agent.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orch.agent.worker.LocalTask;
import io.orch.api.proto.ContainerSpec;
import io.orch.api.proto.ContainerStatus;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskSpec;
import io.orch.api.proto.TaskState;
import io.orch.api.proto.TaskStatus;
import io.orch.runtime.ContainerIds;
import io.orch.runtime.TaskHandle;
import io.orch.api.model.Times;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ContainerViewsTest {
    private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

    private static LocalTask running(String id, long slot, String image, Map<String, String> labels) {
        Task t = Task.newBuilder().setId(id).setServiceId("svc1").setSlot(slot).setNodeId("node1")
                .setCreatedAt(Times.timestamp(NOW.minusSeconds(600)))
                .setSpec(TaskSpec.newBuilder().setContainerSpec(ContainerSpec.newBuilder().setImage(image).putAllLabels(labels)
                        .addCommand("sleep").addArgs("1000")))
                .setStatus(TaskStatus.newBuilder().setState(TaskState.RUNNING)
                        .setContainerStatus(ContainerStatus.newBuilder().setContainerId(ContainerIds.derived(id)).setPid(42)))
                .build();
        TaskHandle h = new TaskHandle(id, "runc", 42, NOW.minusSeconds(300).toEpochMilli(), "orch-" + id, Map.of());
        return new LocalTask(t, "web", null, Optional.of(h));
    }

    private static LocalTask exited(String id, long code) {
        LocalTask r = running(id, 2, "busybox", Map.of());
        Task t = r.task().toBuilder().setStatus(TaskStatus.newBuilder().setState(TaskState.FAILED)
                .setTimestamp(Times.timestamp(NOW.minusSeconds(7200)))
                .setContainerStatus(ContainerStatus.newBuilder().setContainerId(ContainerIds.derived(id)).setExitCode(code))).build();
        return new LocalTask(t, "web", null, Optional.empty());
    }

    private static NodeContainers node(LocalTask... tasks) {
        return new NodeContainers("node1", () -> List.of(tasks), null, null, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    void aRunningTaskIsSummarisedAsDockerShowsASwarmContainer() {
        ContainerView c = new ContainerView(running("t1", 1, "busybox:1", Map.of("team", "a")), "node1");
        ObjectNode j = ContainerJson.summary(c, Optional.empty(), NOW);
        assertEquals(ContainerIds.derived("t1"), j.path("Id").asText());
        assertEquals(64, j.path("Id").asText().length());
        assertEquals("/web.1.t1", j.path("Names").get(0).asText());
        assertEquals("running", j.path("State").asText());
        assertEquals("Up 5 minutes", j.path("Status").asText());
        assertEquals("sleep 1000", j.path("Command").asText());
        assertEquals("svc1", j.path("Labels").path("com.docker.swarm.service.id").asText());
        assertEquals("web", j.path("Labels").path("com.docker.swarm.service.name").asText());
        assertEquals("t1", j.path("Labels").path("com.docker.swarm.task.id").asText());
        assertEquals("web.1.t1", j.path("Labels").path("com.docker.swarm.task.name").asText());
        assertEquals("node1", j.path("Labels").path("com.docker.swarm.node.id").asText());
        assertEquals("a", j.path("Labels").path("team").asText());
    }

    @Test
    void anExitedTaskShowsItsExitCodeAndWhenItExited() {
        ContainerView c = new ContainerView(exited("t2", 137), "node1");
        assertEquals("exited", c.state());
        assertEquals("Exited (137) 2 hours ago", c.status(NOW));
        ObjectNode j = ContainerJson.inspect(c, Optional.empty(), "host");
        assertEquals(137, j.path("State").path("ExitCode").asInt());
        assertFalse(j.path("State").path("Running").asBoolean());
        assertEquals(0, j.path("State").path("Pid").asInt());
    }

    @Test
    void inspectOfARunningTaskHasItsPidAndStartTime() {
        ObjectNode j = ContainerJson.inspect(new ContainerView(running("t1", 1, "busybox", Map.of()), "node1"), Optional.empty(), "h");
        assertTrue(j.path("State").path("Running").asBoolean());
        assertEquals(42, j.path("State").path("Pid").asInt());
        assertEquals("2026-01-01T11:55:00Z", j.path("State").path("StartedAt").asText());
        assertEquals("sleep", j.path("Path").asText());
        assertEquals("/web.1.t1", j.path("Name").asText());
    }

    @Test
    void aContainerIsFoundByFullIdUniquePrefixOrName() throws ApiException {
        NodeContainers n = node(running("t1", 1, "busybox", Map.of()), running("t2", 2, "busybox", Map.of()));
        String id = ContainerIds.derived("t1");
        assertEquals("t1", n.resolve(id).task().getId());
        assertEquals("t1", n.resolve(id.substring(0, 12)).task().getId());
        assertEquals("t2", n.resolve("web.2.t2").task().getId());
        assertEquals("t2", n.resolve("/web.2.t2").task().getId());
        ApiException missing = assertThrows(ApiException.class, () -> n.resolve("nope"));
        assertEquals("No such container: nope", missing.getMessage());
    }

    @Test
    void filtersSelectByIdNameLabelStatusAncestorAndExitCode() throws ApiException {
        ContainerView a = new ContainerView(running("t1", 1, "busybox:1", Map.of("team", "a")), "node1");
        ContainerView b = new ContainerView(exited("t2", 3), "node1");
        assertTrue(filter("{\"label\":[\"team=a\"]}").matches(a, Optional.empty()));
        assertFalse(filter("{\"label\":[\"team=b\"]}").matches(a, Optional.empty()));
        assertTrue(filter("{\"name\":[\"web.1\"]}").matches(a, Optional.empty()));
        assertFalse(filter("{\"name\":[\"web.1\"]}").matches(b, Optional.empty()));
        assertTrue(filter("{\"status\":[\"exited\"]}").matches(b, Optional.empty()));
        assertFalse(filter("{\"status\":[\"exited\"]}").matches(a, Optional.empty()));
        assertTrue(filter("{\"exited\":[\"3\"]}").matches(b, Optional.empty()));
        assertFalse(filter("{\"exited\":[\"0\"]}").matches(b, Optional.empty()));
        assertTrue(filter("{\"ancestor\":[\"busybox:1\"]}").matches(a, Optional.empty()));
        assertTrue(filter("{\"ancestor\":[\"busybox\"]}").matches(a, Optional.empty()));
        assertFalse(filter("{\"ancestor\":[\"alpine\"]}").matches(a, Optional.empty()));
        assertTrue(filter("{\"id\":[\"" + a.id().substring(0, 6) + "\"]}").matches(a, Optional.empty()));
        assertFalse(filter("{\"id\":[\"" + a.id().substring(0, 6) + "\"]}").matches(b, Optional.empty()));
        assertTrue(filter("{\"status\":[\"exited\"]}").asksForStopped());
    }

    @Test
    void anUnknownFilterOrStatusIsRefusedNamingIt() {
        assertEquals("invalid filter 'volume'", assertThrows(ApiException.class, () -> filter("{\"volume\":[\"x\"]}")).getMessage());
        assertEquals("invalid filter 'status=sleeping'",
                assertThrows(ApiException.class, () -> filter("{\"status\":[\"sleeping\"]}")).getMessage());
    }

    private static ContainerFilter filter(String json) throws ApiException {
        return ContainerFilter.parse(Optional.of(json));
    }

    @Test
    void durationsReadAsDockerWritesThem() {
        assertEquals("Less than a second", HumanDuration.of(Duration.ofMillis(500)));
        assertEquals("1 second", HumanDuration.of(Duration.ofSeconds(1)));
        assertEquals("59 seconds", HumanDuration.of(Duration.ofSeconds(59)));
        assertEquals("About a minute", HumanDuration.of(Duration.ofSeconds(90)));
        assertEquals("5 minutes", HumanDuration.of(Duration.ofMinutes(5)));
        assertEquals("About an hour", HumanDuration.of(Duration.ofMinutes(70)));
        assertEquals("3 hours", HumanDuration.of(Duration.ofHours(3)));
        assertEquals("3 days", HumanDuration.of(Duration.ofDays(3)));
    }

    @Test
    void topKeepsOnlyTheContainersProcessesAndTheWholeCommand() throws ApiException {
        String ps = "UID          PID    PPID  C STIME TTY          TIME CMD\n"
                + "root           1       0  0 10:00 ?        00:00:01 /sbin/init\n"
                + "root         200       1  0 10:01 ?        00:00:00 sleep 1000 --flag\n";
        ObjectNode j = ContainerTop.parse(ps, Set.of(200L));
        assertEquals(8, j.path("Titles").size());
        assertEquals(1, j.path("Processes").size());
        assertEquals("200", j.path("Processes").get(0).get(1).asText());
        assertEquals("sleep 1000 --flag", j.path("Processes").get(0).get(7).asText());
    }

    @Test
    void statsCarryThePreviousSampleForTheCliCpuPercentage() {
        ContainerView c = new ContainerView(running("t1", 1, "busybox", Map.of()), "node1");
        var s = new io.orch.runtime.ContainerStats(2_000_000, 1_000_000, 1_000_000, 4096, -1, Map.of("inactive_file", 1024L),
                3, 100, 10, 20, Map.of("eth0", Map.of("rx_bytes", 5L, "tx_bytes", 6L)));
        ObjectNode prev = ContainerStatsRoute.cpu(s, 1_000_000_000L);
        ObjectNode j = ContainerStatsRoute.json(c, s, NOW, NOW.minusSeconds(1), ContainerStatsRoute.cpu(s, 2_000_000_000L), prev, 8192);
        assertEquals(2_000_000, j.path("cpu_stats").path("cpu_usage").path("total_usage").asLong());
        assertEquals(1_000_000_000L, j.path("precpu_stats").path("system_cpu_usage").asLong());
        assertEquals(8192, j.path("memory_stats").path("limit").asLong(), "no limit: the host's memory, as Docker");
        assertEquals(1024, j.path("memory_stats").path("stats").path("inactive_file").asLong());
        assertEquals(3, j.path("pids_stats").path("current").asLong());
        assertEquals(5, j.path("networks").path("eth0").path("rx_bytes").asLong());
        assertEquals("/web.1.t1", j.path("name").asText());
    }
}
