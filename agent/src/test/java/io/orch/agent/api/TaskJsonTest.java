package io.orch.agent.api;

import com.fasterxml.jackson.core.JsonGenerator;
import io.orch.api.json.DockerJson;
import io.orch.api.model.Times;
import io.orch.api.proto.ContainerSpec;
import io.orch.api.proto.ContainerStatus;
import io.orch.api.proto.Endpoint;
import io.orch.api.proto.IPAMConfig;
import io.orch.api.proto.IPAMOptions;
import io.orch.api.proto.Network;
import io.orch.api.proto.NetworkAttachment;
import io.orch.api.proto.NetworkSpec;
import io.orch.api.proto.PortConfig;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskSpec;
import io.orch.api.proto.TaskState;
import io.orch.api.proto.TaskStatus;
import io.orch.api.proto.Version;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Tasks are written straight to the response ({@link TaskJson#write}); the bytes are those the
 * tree mapping gave ({@link TreeTaskJson}), which the docker CLI tests were written against, in
 * every case where the task's Docker shape differs from its model.
 */
class TaskJsonTest {
    private static final Task BASE = Task.newBuilder().setId("t1").setVersion(Version.newBuilder().setIndex(7))
            .setCreatedAt(Times.timestamp(Instant.parse("2026-12-01T10:00:00.123456789Z")))
            .setServiceId("s1").setSlot(1).setDesiredState(TaskState.RUNNING).setSpecVersion(3).build();

    static Stream<Task> tasks() {
        Network overlay = Network.newBuilder().setId("n1").setVni(4097).setVersion(Version.newBuilder().setIndex(2))
                .setSpec(NetworkSpec.newBuilder().setName("backend").setDriver("overlay").putOptions("encrypted", "")
                        .setIpam(IPAMOptions.newBuilder().addConfigs(IPAMConfig.newBuilder().setSubnet("10.0.1.0/24").setGateway("10.0.1.1"))))
                .setIpam(IPAMOptions.newBuilder().addConfigs(IPAMConfig.newBuilder().setSubnet("10.0.1.0/24").setRange("10.0.1.0/25")))
                .build();
        return Stream.of(
                // no spec, no status: both appear, with the image and state the docker CLI reads
                BASE,
                BASE.toBuilder().clearCreatedAt().build(),
                BASE.toBuilder().setUpdatedAt(Times.timestamp(Instant.parse("2026-12-01T10:00:05Z"))).build(),
                BASE.toBuilder().setSpec(TaskSpec.newBuilder().setRuntime("process")).build(),
                BASE.toBuilder().setSpec(TaskSpec.newBuilder().setContainerSpec(ContainerSpec.newBuilder().addArgs("sleep"))).build(),
                BASE.toBuilder().setSpec(TaskSpec.newBuilder().setContainerSpec(ContainerSpec.newBuilder().setImage("busybox")
                        .addArgs("sleep").putLabels("a", "b")).setRuntime("runc")).putLabels("tier", "front").build(),
                BASE.toBuilder().setStatus(TaskStatus.newBuilder().setState(TaskState.RUNNING).setMessage("started")
                        .setTimestamp(Times.timestamp(Instant.parse("2026-12-01T10:00:06Z")))
                        .setContainerStatus(ContainerStatus.newBuilder().setContainerId("c1").setPid(42))).build(),
                BASE.toBuilder().setStatus(TaskStatus.newBuilder().setState(TaskState.FAILED).setErr("exit 137")).build(),
                // PortStatus as Docker's {"Ports": [...]}
                BASE.toBuilder().setStatus(TaskStatus.newBuilder().setState(TaskState.RUNNING)
                        .addPortStatus(PortConfig.newBuilder().setTargetPort(80).setPublishedPort(8080)
                                .setPublishMode(PortConfig.PublishMode.HOST))).build(),
                // a bridge address only: shown as an attachment to "bridge"; the endpoint is left out
                BASE.toBuilder().setEndpoint(Endpoint.getDefaultInstance().toBuilder().build())
                        .setStatus(TaskStatus.newBuilder().setState(TaskState.RUNNING).addNetworkAddresses("172.17.0.2")).build(),
                // overlay attachments win over the bridge address
                BASE.toBuilder().addNetworksAttachments(NetworkAttachment.newBuilder().setNetwork(overlay)
                                .addAddresses("10.0.1.5/24").addAliases("web"))
                        .addNetworksAttachments(NetworkAttachment.newBuilder().setNetwork(overlay).addAddresses("10.0.1.6/24"))
                        .setStatus(TaskStatus.newBuilder().setState(TaskState.RUNNING).addNetworkAddresses("172.17.0.2")
                                .addPortStatus(PortConfig.newBuilder().setTargetPort(53).setProtocol(PortConfig.Protocol.UDP)))
                        .setJobIteration(Version.newBuilder().setIndex(3)).setNodeId("node1").setName("web.1.t1").build());
    }

    @ParameterizedTest
    @MethodSource("tasks")
    void aStreamedTaskIsTheSerialisedTreeByteForByte(Task task) throws IOException {
        String expected = DockerJson.MAPPER.writeValueAsString(TreeTaskJson.of(task));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator out = DockerJson.MAPPER.createGenerator(bytes)) {
            TaskJson.write(task, out);
        }
        assertEquals(expected, bytes.toString(StandardCharsets.UTF_8));
    }
}
