package io.orch.api.json;

import io.orch.api.model.Times;
import com.fasterxml.jackson.databind.JsonNode;
import io.orch.api.proto.NodeSpec;
import io.orch.api.proto.ReplicatedService;
import io.orch.api.proto.RestartPolicy;
import io.orch.api.proto.ServiceMode;
import io.orch.api.proto.ServiceSpec;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskState;
import io.orch.api.proto.TaskStatus;
import io.orch.api.proto.UpdateStatus;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DockerJsonTest {
    /** The body docker CLI 28 sends for `docker service create` (../shared/reference, 11_service_create). */
    static final String RECORDED_CREATE = """
            {"Name": "web", "Labels": {}, "TaskTemplate": {"ContainerSpec": {"Image": "busybox:latest@sha256:abababababababababababababababababababababababababababababababab",
             "Args": ["sleep", "1000"], "Env": ["A=1"], "Init": false, "Healthcheck": {"Test": ["CMD-SHELL", "true"]}, "DNSConfig": {}},
             "Resources": {"Limits": {"MemoryBytes": 67108864}, "Reservations": {"NanoCPUs": 500000000}},
             "RestartPolicy": {"Condition": "on-failure", "Delay": 5000000000, "MaxAttempts": 0},
             "Placement": {"Constraints": ["node.role==worker"], "Platforms": [{"Architecture": "amd64", "OS": "linux"}]}, "ForceUpdate": 0},
             "Mode": {"Replicated": {"Replicas": 3}},
             "UpdateConfig": {"Parallelism": 1, "Delay": 5000000000, "FailureAction": "rollback", "Monitor": 5000000000, "MaxFailureRatio": 0, "Order": "stop-first"},
             "EndpointSpec": {"Mode": "vip", "Ports": [{"Protocol": "tcp", "TargetPort": 80, "PublishedPort": 8080, "PublishMode": "ingress"}]}}
            """;

    @Test
    void parsesWhatTheDockerCliSends() throws Exception {
        ServiceSpec spec = DockerJson.merge(DockerJson.MAPPER.readTree(RECORDED_CREATE), ServiceSpec.newBuilder()).build();
        assertEquals("web", spec.getName());
        assertEquals(3, spec.getMode().getReplicated().getReplicas());
        assertEquals(RestartPolicy.Condition.ON_FAILURE, spec.getTaskTemplate().getRestartPolicy().getCondition());
        assertEquals(5_000_000_000L, spec.getTaskTemplate().getRestartPolicy().getDelay());
        assertEquals(67108864, spec.getTaskTemplate().getResources().getLimits().getMemoryBytes());
        assertEquals(500000000, spec.getTaskTemplate().getResources().getReservations().getNanoCpus());
        assertEquals("linux", spec.getTaskTemplate().getPlacement().getPlatforms(0).getOs());
        assertEquals(8080, spec.getEndpointSpec().getPorts(0).getPublishedPort());
        assertEquals(io.orch.api.proto.UpdateConfig.FailureAction.ROLLBACK, spec.getUpdateConfig().getFailureAction());
    }

    @Test
    void printsDockerNamesAndOmitsEmptyValues() throws Exception {
        ServiceSpec spec = DockerJson.merge(DockerJson.MAPPER.readTree(RECORDED_CREATE), ServiceSpec.newBuilder()).build();
        JsonNode json = DockerJson.toJson(spec);
        assertEquals("busybox:latest@sha256:abababababababababababababababababababababababababababababababab",
                json.at("/TaskTemplate/ContainerSpec/Image").asText());
        assertEquals(500000000L, json.at("/TaskTemplate/Resources/Reservations/NanoCPUs").asLong());
        assertTrue(json.at("/TaskTemplate/Resources/Reservations/NanoCPUs").isNumber(), "int64 stays a JSON number");
        assertEquals("on-failure", json.at("/TaskTemplate/RestartPolicy/Condition").asText());
        assertEquals("stop-first", json.at("/UpdateConfig/Order").asText());
        assertFalse(json.at("/TaskTemplate/ContainerSpec").has("Labels"), "an empty map is omitted");
        assertFalse(json.at("/TaskTemplate/ContainerSpec").has("Init"), "false is omitted");
        assertEquals(spec, DockerJson.merge(json, ServiceSpec.newBuilder()).build(), "print then parse is the identity");
    }

    @Test
    void keepsMeaningfulZeroesAndAlwaysPrintsEnums() {
        ServiceSpec zero = ServiceSpec.newBuilder().setMode(ServiceMode.newBuilder()
                .setReplicated(ReplicatedService.newBuilder().setReplicas(0))).build();
        assertEquals(0, DockerJson.toJson(zero).at("/Mode/Replicated/Replicas").asInt(-1), "Replicas: 0 is printed");
        assertEquals("active", DockerJson.toJson(NodeSpec.getDefaultInstance()).path("Availability").asText());
        assertEquals("worker", DockerJson.toJson(NodeSpec.getDefaultInstance()).path("Role").asText());
    }

    @Test
    void usesDockersSpellingsForUpdateStatesAndTimestamps() {
        UpdateStatus status = UpdateStatus.newBuilder().setState(UpdateStatus.State.ROLLBACK_COMPLETED).build();
        assertEquals("rollback_completed", DockerJson.toJson(status).path("State").asText());
        assertFalse(DockerJson.toJson(UpdateStatus.getDefaultInstance()).has("State"), "UNSPECIFIED is unset");
        Task task = Task.newBuilder().setId("t1").setDesiredState(TaskState.RUNNING).setStatus(TaskStatus.newBuilder()
                .setState(TaskState.FAILED).setTimestamp(Times.timestamp(Instant.parse("2026-01-02T03:04:05.123456789Z")))).build();
        JsonNode json = DockerJson.toJson(task);
        assertEquals("t1", json.path("ID").asText());
        assertEquals("running", json.path("DesiredState").asText());
        assertEquals("failed", json.at("/Status/State").asText());
        assertEquals("2026-01-02T03:04:05.123456789Z", json.at("/Status/Timestamp").asText());
    }

    @Test
    void badValuesNameTheirField() {
        JsonModelException negative = assertThrows(JsonModelException.class, () -> DockerJson.merge(
                DockerJson.MAPPER.readTree("{\"Mode\":{\"Replicated\":{\"Replicas\":-1}}}"), ServiceSpec.newBuilder()));
        assertEquals("Mode.Replicated.Replicas: must be a non-negative integer, got -1", negative.getMessage());
        JsonModelException condition = assertThrows(JsonModelException.class, () -> DockerJson.merge(
                DockerJson.MAPPER.readTree("{\"TaskTemplate\":{\"RestartPolicy\":{\"Condition\":\"sometimes\"}}}"), ServiceSpec.newBuilder()));
        assertEquals("TaskTemplate.RestartPolicy.Condition: invalid value \"sometimes\" (want one of: any, none, on-failure)",
                condition.getMessage());
        JsonModelException type = assertThrows(JsonModelException.class, () -> DockerJson.merge(
                DockerJson.MAPPER.readTree("{\"Name\": 5}"), ServiceSpec.newBuilder()));
        assertEquals("Name", type.field());
    }

    @Test
    void keysMatchCaseInsensitivelyLikeGo() throws Exception {
        ServiceSpec spec = DockerJson.merge(DockerJson.MAPPER.readTree("{\"name\":\"x\",\"mode\":{\"replicated\":{\"replicas\":2}}}"),
                ServiceSpec.newBuilder()).build();
        assertEquals("x", spec.getName());
        assertEquals(2, spec.getMode().getReplicated().getReplicas());
    }

    @Property(tries = 200)
    void durationsAndSizesSurviveTheRoundTrip(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long nanos,
                                              @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long bytes) throws Exception {
        ServiceSpec spec = ServiceSpec.newBuilder().setTaskTemplate(io.orch.api.proto.TaskSpec.newBuilder()
                .setRestartPolicy(RestartPolicy.newBuilder().setDelay(nanos))
                .setResources(io.orch.api.proto.ResourceRequirements.newBuilder()
                        .setLimits(io.orch.api.proto.ResourceSet.newBuilder().setMemoryBytes(bytes)))).build();
        String text = DockerJson.MAPPER.writeValueAsString(DockerJson.toJson(spec));
        assertEquals(spec, DockerJson.merge(DockerJson.MAPPER.readTree(text), ServiceSpec.newBuilder()).build());
    }

    // ------------------------------------------------------------ zeros Docker always sends

    @Test
    void theZerosDockerAlwaysSendsInAServiceSpecArePresentAndRoundTrip() throws Exception {
        ServiceSpec spec = DockerJson.merge(DockerJson.MAPPER.readTree(RECORDED_CREATE), ServiceSpec.newBuilder()).build();
        JsonNode json = DockerJson.toJson(spec);
        assertZero(json, "/TaskTemplate/ForceUpdate");
        assertZero(json, "/TaskTemplate/RestartPolicy/MaxAttempts");
        assertZero(json, "/TaskTemplate/RestartPolicy/Window");
        assertZero(json, "/UpdateConfig/MaxFailureRatio");
        assertTrue(json.at("/Labels").isObject() && json.at("/Labels").isEmpty(), "Labels: {} as Docker: " + json);
        assertEquals(spec, DockerJson.merge(json, ServiceSpec.newBuilder()).build(), "what we print parses back to the same spec");
    }

    @Test
    void zeroReplicasArePrintedAndParseBackAsZeroNotUnset() throws Exception {
        ServiceSpec scaledDown = ServiceSpec.newBuilder().setName("web")
                .setMode(ServiceMode.newBuilder().setReplicated(ReplicatedService.newBuilder().setReplicas(0))).build();
        JsonNode json = DockerJson.toJson(scaledDown);
        assertZero(json, "/Mode/Replicated/Replicas");
        ServiceSpec back = DockerJson.merge(json, ServiceSpec.newBuilder()).build();
        assertTrue(back.getMode().getReplicated().hasReplicas());
        assertEquals(scaledDown, back);
    }

    @Test
    void aRestartPolicyShowsWindowAndMaxAttemptsButNoDelayItWasNotGiven() {
        // Delay unset means orch's own backoff, so it stays out; Window and MaxAttempts Docker always fills
        JsonNode json = DockerJson.toJson(io.orch.api.proto.TaskSpec.newBuilder()
                .setRestartPolicy(RestartPolicy.newBuilder().setCondition(RestartPolicy.Condition.NONE)).build());
        assertZero(json, "/RestartPolicy/Window");
        assertZero(json, "/RestartPolicy/MaxAttempts");
        assertFalse(json.at("/RestartPolicy").has("Delay"), json.toString());
    }

    @Test
    void aTaskAlwaysHasItsVersionIndexLabelsAndContainerStatusNumbers() {
        Task task = Task.newBuilder().setId("t1")
                .setStatus(TaskStatus.newBuilder().setState(TaskState.RUNNING)
                        .setContainerStatus(io.orch.api.proto.ContainerStatus.newBuilder().setContainerId("c1")))
                .build();
        JsonNode json = DockerJson.toJson(task);
        assertZero(json, "/Version/Index");
        assertZero(json, "/Status/ContainerStatus/PID");
        assertZero(json, "/Status/ContainerStatus/ExitCode");
        assertTrue(json.at("/Labels").isObject(), json.toString());
        assertZero(json, "/Spec/ForceUpdate");
    }

    @Test
    void aNodeAlwaysHasItsDescriptionStructsAndSpecLabels() {
        JsonNode json = DockerJson.toJson(io.orch.api.proto.Node.newBuilder().setId("n1").build());
        for (String path : new String[] {"/Spec/Labels", "/Description/Platform", "/Description/Resources",
                "/Description/Engine", "/Status"}) {
            assertTrue(json.at(path).isObject(), path + " in " + json);
        }
        assertEquals("active", json.at("/Spec/Availability").asText());
    }

    @Test
    void zeroValuesNotMarkedAlwaysAreStillLeftOut() {
        JsonNode json = DockerJson.toJson(ServiceSpec.newBuilder().setName("web")
                .setTaskTemplate(io.orch.api.proto.TaskSpec.newBuilder()
                        .setContainerSpec(io.orch.api.proto.ContainerSpec.newBuilder().setImage("busybox"))
                        .setPlacement(io.orch.api.proto.Placement.newBuilder().addConstraints("node.role==worker")))
                .build());
        assertFalse(json.at("/TaskTemplate/Placement").has("MaxReplicas"), json.toString());
        assertFalse(json.at("/TaskTemplate/ContainerSpec").has("Hostname"), json.toString());
        assertFalse(json.has("UpdateConfig"), "an unset pointer struct stays out: " + json);
        assertFalse(json.at("/TaskTemplate").has("RestartPolicy"), json.toString());
    }

    private static void assertZero(JsonNode json, String pointer) {
        JsonNode v = json.at(pointer);
        assertTrue(v.isNumber() && v.asDouble() == 0, pointer + " should be 0 in " + json);
    }
}
