package io.orch.runtime.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.orch.runtime.Fingerprint;
import io.orch.runtime.RuntimeFailure;
import io.orch.runtime.TaskConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The create body built from a task, and where the runtime looks for Docker. No daemon needed. */
class ContainerConfigsTest {
    private static TaskConfig task(TaskConfig.Container c, TaskConfig.Resources limits) {
        return new TaskConfig("t1", "web.1.t1", "busybox", c.command(), Map.of("A", "1"), "/srv", "nobody", "web-1",
                limits, Map.of("com.docker.swarm.service.id", "s1", "team", "blue"), Path.of("/tmp/t1"), c);
    }

    private static TaskConfig.Container container(List<String> command, List<String> args, List<TaskConfig.Mount> mounts) {
        return new TaskConfig.Container(command, args, true, mounts, Optional.empty());
    }

    @Test
    void mapsCommandEnvUserDirHostnameLimitsAndLabels() throws RuntimeFailure {
        JsonNode c = ContainerConfigs.create(task(container(List.of("sh", "-c"), List.of("echo hi"), List.of()),
                new TaskConfig.Resources(1_500_000_000L, 128L << 20, 20)));
        assertEquals("[\"sh\",\"-c\"]", c.path("Entrypoint").toString());
        assertEquals("[\"echo hi\"]", c.path("Cmd").toString());
        assertEquals("[\"A=1\"]", c.path("Env").toString());
        assertEquals("nobody", c.path("User").asText());
        assertEquals("/srv", c.path("WorkingDir").asText());
        assertEquals("web-1", c.path("Hostname").asText());
        JsonNode host = c.path("HostConfig");
        assertEquals(128L << 20, host.path("Memory").asLong());
        assertEquals(128L << 20, host.path("MemorySwap").asLong());
        assertEquals(1_500_000_000L, host.path("NanoCpus").asLong());
        assertEquals(20, host.path("PidsLimit").asLong());
        assertEquals("bridge", host.path("NetworkMode").asText());
        assertTrue(host.path("ReadonlyRootfs").asBoolean());
        assertEquals("t1", c.path("Labels").path("orch.task.id").asText());
        assertEquals("s1", c.path("Labels").path("orch.service.id").asText());
        assertEquals("blue", c.path("Labels").path("team").asText());
    }

    @Test
    void argsAloneKeepTheImageEntrypointAndNoLimitsMeansNone() throws RuntimeFailure {
        JsonNode c = ContainerConfigs.create(task(container(List.of(), List.of("-v"), List.of()), TaskConfig.Resources.NONE));
        assertTrue(c.path("Entrypoint").isMissingNode());
        assertEquals("[\"-v\"]", c.path("Cmd").toString());
        assertFalse(c.path("HostConfig").has("Memory"));
        assertFalse(c.path("HostConfig").has("NanoCpus"));
    }

    @Test
    void bridgeTasksPublishHostModePortsAndHostTasksUseTheNodeStack() throws RuntimeFailure {
        TaskConfig bridge = task(container(List.of("true"), List.of(), List.of()), TaskConfig.Resources.NONE)
                .withNetwork(new TaskConfig.Network(TaskConfig.Network.Mode.BRIDGE, List.of(
                        new TaskConfig.PublishedPort(TaskConfig.PublishedPort.Protocol.TCP, 80, 8080),
                        new TaskConfig.PublishedPort(TaskConfig.PublishedPort.Protocol.TCP, 80, 0),
                        new TaskConfig.PublishedPort(TaskConfig.PublishedPort.Protocol.UDP, 53, 5353))));
        JsonNode c = ContainerConfigs.create(bridge);
        assertEquals("bridge", c.path("HostConfig").path("NetworkMode").asText());
        assertEquals("[{\"HostIp\":\"\",\"HostPort\":\"8080\"},{\"HostIp\":\"\",\"HostPort\":\"\"}]",
                c.path("HostConfig").path("PortBindings").path("80/tcp").toString());
        assertEquals("5353", c.path("HostConfig").path("PortBindings").path("53/udp").get(0).path("HostPort").asText());
        assertTrue(c.path("ExposedPorts").has("80/tcp"));
        TaskConfig host = bridge.withNetwork(new TaskConfig.Network(TaskConfig.Network.Mode.HOST, List.of()));
        assertEquals("host", ContainerConfigs.create(host).path("HostConfig").path("NetworkMode").asText());
        assertFalse(ContainerConfigs.create(host).path("HostConfig").has("PortBindings"));
    }

    @Test
    void mapsBindVolumeAndTmpfsMounts() throws RuntimeFailure {
        JsonNode mounts = ContainerConfigs.create(task(container(List.of("true"), List.of(), List.of(
                new TaskConfig.Mount(TaskConfig.Mount.Type.BIND, "/etc", "/host-etc", true),
                new TaskConfig.Mount(TaskConfig.Mount.Type.VOLUME, "data", "/data", false),
                new TaskConfig.Mount(TaskConfig.Mount.Type.TMPFS, "", "/scratch", false))), TaskConfig.Resources.NONE))
                .path("HostConfig").path("Mounts");
        assertEquals("bind", mounts.get(0).path("Type").asText());
        assertEquals("/etc", mounts.get(0).path("Source").asText());
        assertTrue(mounts.get(0).path("ReadOnly").asBoolean());
        assertEquals("volume", mounts.get(1).path("Type").asText());
        assertEquals("data", mounts.get(1).path("Source").asText());
        assertEquals("tmpfs", mounts.get(2).path("Type").asText());
        assertEquals("/scratch", mounts.get(2).path("Target").asText());
    }

    @Test
    void rejectsRelativeTargetsAndBadVolumeNames() {
        RuntimeFailure relative = assertThrows(RuntimeFailure.class, () -> ContainerConfigs.create(task(container(List.of("true"),
                List.of(), List.of(new TaskConfig.Mount(TaskConfig.Mount.Type.TMPFS, "", "scratch", false))), TaskConfig.Resources.NONE)));
        assertTrue(relative.getMessage().contains("mount target scratch"), relative.getMessage());
        RuntimeFailure volume = assertThrows(RuntimeFailure.class, () -> ContainerConfigs.create(task(container(List.of("true"),
                List.of(), List.of(new TaskConfig.Mount(TaskConfig.Mount.Type.VOLUME, "../x", "/x", false))), TaskConfig.Resources.NONE)));
        assertTrue(volume.getMessage().contains("invalid volume name ../x"), volume.getMessage());
    }

    @Test
    void imageReferencesThatCouldEscapeTheUrlAreRejected() {
        assertThrows(RuntimeFailure.class, () -> DockerImages.validate("busybox?x=1"));
        assertThrows(RuntimeFailure.class, () -> DockerImages.validate("../../containers/x"));
        assertThrows(RuntimeFailure.class, () -> DockerImages.validate(""));
    }

    @Test
    void socketComesFromDockerHostWhenItIsAUnixSocket() {
        assertEquals(Path.of("/run/x.sock"), DockerRuntime.socketFrom(Map.of("DOCKER_HOST", "unix:///run/x.sock")));
        assertEquals(DockerRuntime.DEFAULT_SOCKET, DockerRuntime.socketFrom(Map.of("DOCKER_HOST", "tcp://1.2.3.4:2375")));
        assertEquals(DockerRuntime.DEFAULT_SOCKET, DockerRuntime.socketFrom(Map.of()));
    }

    @Test
    void fingerprintIsUnavailableWithoutASocket(@TempDir Path dir) {
        try (DockerRuntime r = new DockerRuntime(dir.resolve("no.sock"), null)) {
            Fingerprint f = r.fingerprint();
            assertFalse(f.available());
            assertTrue(f.reason().contains("no Docker socket"), f.reason());
        }
    }
}
