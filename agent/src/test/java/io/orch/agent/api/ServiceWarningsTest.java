package io.orch.agent.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import io.orch.api.proto.Node;
import io.orch.api.proto.TaskSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The create/update answer's Warnings: fields the task's runtime keeps but does not apply. */
class ServiceWarningsTest {
    private final ApiFixture api = new ApiFixture();

    @AfterEach
    void close() throws Exception {
        api.close();
    }

    private void defaultRuntime(String runtime) {
        Node self = api.storedNode(ApiFixture.SELF);
        api.write(tx -> tx.update(self.toBuilder().clearRuntimes().addRuntimes(runtime).addRuntimes("process").build()));
    }

    private static String spec(String name, String runtime, String containerExtra) {
        return "{\"Name\":\"" + name + "\",\"TaskTemplate\":{\"Runtime\":\"" + runtime + "\",\"ContainerSpec\":{\"Image\":\"busybox\","
                + "\"Args\":[\"sleep\",\"9\"]" + containerExtra + "}},\"Mode\":{\"Replicated\":{\"Replicas\":1}}}";
    }

    private List<String> warnings(ApiFixture.Reply r) {
        assertTrue(r.status() == 200 || r.status() == 201, r.body());
        List<String> out = new ArrayList<>();
        r.json().get("Warnings").forEach(w -> out.add(w.asText()));
        return out;
    }

    @Test
    void aNamedProcessRuntimeWarnsOfWhatItDoesNotApply() {
        List<String> w = warnings(api.post("/v1.47/services/create", spec("p", "process", ",\"Hostname\":\"h\",\"ReadOnly\":true")));
        assertTrue(w.contains("TaskTemplate.ContainerSpec.Hostname: not applied by the process runtime: the process runtime "
                + "runs tasks as plain processes on the host (no image, namespaces, mounts or resource limits)"), w.toString());
        assertTrue(w.stream().anyMatch(s -> s.startsWith("TaskTemplate.ContainerSpec.ReadOnly: not applied by the process runtime")), w.toString());
        assertTrue(w.stream().anyMatch(s -> s.startsWith("TaskTemplate.ContainerSpec.Image: not applied by the process runtime")), w.toString());
        assertFalse(w.stream().anyMatch(s -> s.contains("Args")), "Args are applied: " + w);
    }

    @Test
    void runcAppliesTheSameFieldsSoNoWarnings() {
        assertEquals(List.of(), warnings(api.post("/v1.47/services/create", spec("r", "runc", ",\"Hostname\":\"h\",\"ReadOnly\":true"))));
    }

    @Test
    void seccompDefaultIsKeptButNotAppliedWhileUnconfinedIsWhatOrchDoes() {
        assertEquals(List.of(RuntimeFieldSupport.SECCOMP_DEFAULT), warnings(api.post("/v1.47/services/create",
                spec("sd", "runc", ",\"Privileges\":{\"Seccomp\":{\"Mode\":\"default\"}}"))));
        assertEquals(List.of(), warnings(api.post("/v1.47/services/create",
                spec("su", "runc", ",\"Privileges\":{\"Seccomp\":{\"Mode\":\"unconfined\"}}"))));
    }

    @Test
    void ingressPortsWarnWhereNodesRunTasksOutsideTheOverlay() {
        String ports = ",\"EndpointSpec\":{\"Ports\":[{\"TargetPort\":80,\"PublishedPort\":8080}]}}";
        defaultRuntime("process");
        String processSpec = spec("m1", "", "");
        List<String> w = warnings(api.post("/v1.47/services/create", processSpec.substring(0, processSpec.length() - 1) + ports));
        assertTrue(w.contains("EndpointSpec.Ports: not applied on nodes whose default runtime is process: the routing mesh "
                + "reaches only runc tasks (use --runtime runc, or mode=host ports)"), w.toString());
        defaultRuntime("runc");
        String runcSpec = spec("m2", "", "");
        String published9090 = ports.replace("8080", "9090");
        assertEquals(List.of(), warnings(api.post("/v1.47/services/create", runcSpec.substring(0, runcSpec.length() - 1) + published9090)));
    }

    @Test
    void withoutANamedRuntimeTheNodesDefaultRuntimesCount() {
        defaultRuntime("docker");
        List<String> w = warnings(api.post("/v1.47/services/create", spec("d", "", ",\"Init\":true,\"TTY\":true")));
        assertEquals(List.of(
                "TaskTemplate.ContainerSpec.TTY: not applied on nodes whose default runtime is docker: orch's docker runtime does not pass it to Docker",
                "TaskTemplate.ContainerSpec.Init: not applied on nodes whose default runtime is docker: orch's docker runtime does not pass it to Docker"),
                w);
        defaultRuntime("runc");
        assertEquals(List.of(), warnings(api.post("/v1.47/services/create", spec("d2", "", ",\"Init\":true,\"TTY\":true"))));
    }

    @Test
    void anUpdateAnswersTheWarningsOfTheNewSpecAndInspectHasNoWarningsField() {
        String id = api.createService(spec("u", "process", ""));
        long version = api.service(id).getVersion().getIndex();
        List<String> w = warnings(api.post("/v1.47/services/" + id + "/update?version=" + version,
                spec("u", "process", ",\"User\":\"nobody\"")));
        assertTrue(w.contains("TaskTemplate.ContainerSpec.User: not applied by the process runtime: the process runtime cannot run "
                + "tasks as another user, so its tasks will be rejected"), w.toString());
        JsonNode inspected = api.get("/v1.47/services/" + id).json();
        assertFalse(inspected.has("Warnings"), "Docker's Service has no such field");
    }

    @Test
    void aFieldNoRuntimeAppliesIsWarnedEverywhere() {
        List<String> w = warnings(api.post("/v1.47/services/create", spec("s", "runc",
                ",\"Healthcheck\":{\"Test\":[\"CMD\",\"true\"],\"StartInterval\":1000000000}")));
        assertEquals(List.of("TaskTemplate.ContainerSpec.Healthcheck.StartInterval: kept but not applied: orch's health checks "
                + "have no start interval: during the start period they run every Interval"), w);
    }

    @Test
    void fieldsAreFoundByNameAndNamesTheModelLacksAreNeverSet() {
        TaskSpec spec = TaskSpec.newBuilder().setContainerSpec(io.orch.api.proto.ContainerSpec.newBuilder().setTty(true)).build();
        assertTrue(RuntimeFieldSupport.isSet(spec, "container_spec.tty"));
        assertFalse(RuntimeFieldSupport.isSet(spec, "container_spec.no_such_field"));
        assertFalse(RuntimeFieldSupport.isSet(spec, "no_such.field"));
        assertEquals("TaskTemplate.ContainerSpec.TTY", RuntimeFieldSupport.dockerPath("container_spec.tty"));
    }

    @Test
    void everyNamedFieldExistsInTheModelOrIsPending() {
        List<String> missing = new ArrayList<>();
        List<RuntimeFieldSupport.Unapplied> all = new ArrayList<>(RuntimeFieldSupport.nowhere());
        RuntimeFieldSupport.byRuntime().values().forEach(all::addAll);
        for (RuntimeFieldSupport.Unapplied u : all) {
            if (!exists(u.field())) {
                missing.add(u.field());
            }
        }
        assertEquals(List.of(), missing, "misspelt field names in RuntimeFieldSupport");
    }

    private static boolean exists(String path) {
        Descriptor d = TaskSpec.getDescriptor();
        for (String name : path.split("\\.")) {
            FieldDescriptor f = d == null ? null : d.findFieldByName(name);
            if (f == null) {
                return false;
            }
            d = f.getJavaType() == FieldDescriptor.JavaType.MESSAGE ? f.getMessageType() : null;
        }
        return true;
    }
}
