package io.orch.scheduler.orchestrator;

import io.orch.api.proto.Endpoint;
import io.orch.api.proto.EndpointSpec;
import io.orch.api.proto.NetworkAttachmentConfig;
import io.orch.api.proto.Node;
import io.orch.api.proto.PortConfig;
import io.orch.api.proto.RestartPolicy;
import io.orch.api.proto.Service;
import io.orch.api.proto.ServiceSpec;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskState;
import io.orch.api.proto.UpdateConfig;
import io.orch.api.proto.UpdateStatus;
import io.orch.scheduler.Fixtures;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TaskInputsTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final PortConfig HOST_8080 = PortConfig.newBuilder().setTargetPort(80).setPublishedPort(8080)
            .setPublishMode(PortConfig.PublishMode.HOST).build();

    private static Service service() {
        return Fixtures.replicated("s", 1, RestartPolicy.getDefaultInstance());
    }

    private static Service with(Service s, UnaryOperator<ServiceSpec.Builder> change) {
        ServiceSpec next = change.apply(s.getSpec().toBuilder()).build();
        return s.toBuilder().setSpec(next).setEndpoint(Endpoint.newBuilder().setSpec(next.getEndpointSpec())).build();
    }

    private static Task taskOf(Service s) {
        return Fixtures.task("t1", s, 1, "n1", TaskState.RUNNING, T0, T0).toBuilder().setEndpoint(s.getEndpoint()).build();
    }

    @Test
    void aPublishedPortAddedMakesTheTaskOutdated() {
        Service before = service();
        Service after = with(before, b -> b.setEndpointSpec(EndpointSpec.newBuilder().addPorts(HOST_8080)));
        assertTrue(TaskInputs.changed(before.getSpec(), after.getSpec()));
        assertTrue(TaskInputs.outdated(after, taskOf(before)));
        assertFalse(TaskInputs.outdated(after, taskOf(after)));
    }

    @Test
    void anEndpointModeChangeMakesTheTaskOutdated() {
        Service before = with(service(), b -> b.setEndpointSpec(EndpointSpec.newBuilder().setMode(EndpointSpec.Mode.VIP)));
        Service after = with(before, b -> b.setEndpointSpec(EndpointSpec.newBuilder().setMode(EndpointSpec.Mode.DNSRR)));
        assertTrue(TaskInputs.changed(before.getSpec(), after.getSpec()));
        assertTrue(TaskInputs.outdated(after, taskOf(before)));
    }

    @Test
    void aNetworkAddedToTheTemplateMakesTheTaskOutdated() {
        Service before = service();
        Service after = with(before, b -> b.setTaskTemplate(b.getTaskTemplate().toBuilder()
                .addNetworks(NetworkAttachmentConfig.newBuilder().setTarget("net1"))));
        assertTrue(TaskInputs.changed(before.getSpec(), after.getSpec()));
        assertTrue(TaskInputs.outdated(after, taskOf(before)));
    }

    @Test
    void emptyObjectsSentBackByTheDockerCliAreNoChange() {
        Service before = service();
        Service after = with(before, b -> b.setTaskTemplate(b.getTaskTemplate().toBuilder()
                .setResources(io.orch.api.proto.ResourceRequirements.newBuilder()
                        .setLimits(io.orch.api.proto.ResourceSet.getDefaultInstance())
                        .setReservations(io.orch.api.proto.ResourceSet.getDefaultInstance()))
                .setContainerSpec(b.getTaskTemplate().getContainerSpec().toBuilder()
                        .setPrivileges(io.orch.api.proto.Privileges.getDefaultInstance()))));
        assertFalse(TaskInputs.changed(before.getSpec(), after.getSpec()));
        assertFalse(TaskInputs.outdated(after, taskOf(before)));
        Service limited = with(before, b -> b.setTaskTemplate(b.getTaskTemplate().toBuilder()
                .setResources(io.orch.api.proto.ResourceRequirements.newBuilder()
                        .setLimits(io.orch.api.proto.ResourceSet.newBuilder().setMemoryBytes(1 << 20)))));
        assertTrue(TaskInputs.outdated(limited, taskOf(before)), "a value inside still counts");
    }

    @Test
    void anImageNameSpelledOutIsTheSameImageButAnotherTagOrADigestIsNot() {
        Service before = with(service(), b -> b.setTaskTemplate(b.getTaskTemplate().toBuilder()
                .setContainerSpec(b.getTaskTemplate().getContainerSpec().toBuilder().setImage("busybox"))));
        for (String same : java.util.List.of("busybox:latest", "docker.io/library/busybox:latest")) {
            Service after = with(before, b -> b.setTaskTemplate(b.getTaskTemplate().toBuilder()
                    .setContainerSpec(b.getTaskTemplate().getContainerSpec().toBuilder().setImage(same))));
            assertFalse(TaskInputs.outdated(after, taskOf(before)), same);
        }
        for (String other : java.util.List.of("busybox:1.36", "busybox@sha256:" + "a".repeat(64))) {
            Service after = with(before, b -> b.setTaskTemplate(b.getTaskTemplate().toBuilder()
                    .setContainerSpec(b.getTaskTemplate().getContainerSpec().toBuilder().setImage(other))));
            assertTrue(TaskInputs.outdated(after, taskOf(before)), other);
        }
    }

    @Test
    void serviceLabelsReplicasAndUpdateConfigDoNotTouchTasks() {
        Service before = service();
        Service after = with(before, b -> b.putLabels("team", "a")
                .setUpdateConfig(UpdateConfig.newBuilder().setParallelism(3))
                .setRollbackConfig(UpdateConfig.newBuilder().setParallelism(2))
                .setMode(b.getMode().toBuilder().setReplicated(b.getMode().getReplicated().toBuilder().setReplicas(5))));
        assertFalse(TaskInputs.changed(before.getSpec(), after.getSpec()));
        assertFalse(TaskInputs.outdated(after, taskOf(before)));
    }

    @Test
    void aTaskWithoutEndpointMatchesAServiceWithoutEndpointSpec() {
        Service s = service();
        Task bare = Fixtures.task("t1", s, 1, "n1", TaskState.RUNNING, T0, T0);
        assertFalse(TaskInputs.outdated(s, bare));
    }

    @Test
    void theRollingUpdateReplacesATaskWhosePortsChanged() {
        Service before = service();
        Service after = with(before, b -> b.setEndpointSpec(EndpointSpec.newBuilder().addPorts(HOST_8080)))
                .toBuilder().setSpecVersion(2).setUpdateStatus(UpdateStatuses.started(T0.plusSeconds(10))).build();
        Map<String, Node> nodes = Map.of("n1", Fixtures.node("n1"));
        RollingUpdate.Step step = RollingUpdate.step(after, List.of(taskOf(before)), nodes,
                new TaskFactory(() -> "new1", T0.plusSeconds(11)), new HashMap<>(), Readiness.RUNNING);
        assertEquals(1, step.tasks.create.size());
        assertEquals(List.of(HOST_8080), step.tasks.create.get(0).getEndpoint().getSpec().getPortsList());
        assertEquals(TaskState.SHUTDOWN, step.taskUpdates().get(0).getDesiredState());
    }

    @Test
    void aLabelOnlyUpdateStartsNoRollout() {
        Service before = service();
        Service after = with(before, b -> b.putLabels("team", "a"));
        RollingUpdate.Step step = RollingUpdate.step(after, List.of(taskOf(before)), Map.of("n1", Fixtures.node("n1")),
                new TaskFactory(() -> "new1", T0.plusSeconds(11)), new HashMap<>(), Readiness.RUNNING);
        assertTrue(step.isEmpty());
        assertEquals(UpdateStatus.State.UNSPECIFIED, after.getUpdateStatus().getState());
    }

    private static PortConfig ingress(int target, int published) {
        return PortConfig.newBuilder().setTargetPort(target).setPublishedPort(published)
                .setPublishMode(PortConfig.PublishMode.INGRESS).build();
    }

    @Test
    void theFirstIngressPortRollsTheTasksForTheirIngressAttachment() {
        Service before = service();
        Service after = with(before, b -> b.setEndpointSpec(EndpointSpec.newBuilder().addPorts(ingress(80, 8080))));
        assertTrue(TaskInputs.changed(before.getSpec(), after.getSpec()));
        assertTrue(TaskInputs.outdated(after, taskOf(before)));
    }

    @Test
    void anotherIngressPortAddedOrRemovedRollsNothing() {
        Service one = with(service(), b -> b.setEndpointSpec(EndpointSpec.newBuilder().addPorts(ingress(80, 8080))));
        Service two = with(one, b -> b.setEndpointSpec(EndpointSpec.newBuilder().addPorts(ingress(80, 8080)).addPorts(ingress(443, 8443))));
        assertFalse(TaskInputs.changed(one.getSpec(), two.getSpec()));
        assertFalse(TaskInputs.outdated(two, taskOf(one)));
        assertFalse(TaskInputs.changed(two.getSpec(), one.getSpec()));
        assertFalse(TaskInputs.outdated(one, taskOf(two)));
        Service moved = with(one, b -> b.setEndpointSpec(EndpointSpec.newBuilder().addPorts(ingress(80, 9090))));
        assertFalse(TaskInputs.outdated(moved, taskOf(one)));
    }

    @Test
    void theLastIngressPortRemovedRollsTheTasks() {
        Service one = with(service(), b -> b.setEndpointSpec(EndpointSpec.newBuilder().addPorts(ingress(80, 8080))));
        Service none = with(one, b -> b.setEndpointSpec(EndpointSpec.newBuilder()));
        assertTrue(TaskInputs.changed(one.getSpec(), none.getSpec()));
        assertTrue(TaskInputs.outdated(none, taskOf(one)));
    }

    @Test
    void aHostPortAddedNextToIngressPortsStillRolls() {
        Service one = with(service(), b -> b.setEndpointSpec(EndpointSpec.newBuilder().addPorts(ingress(80, 8080))));
        Service withHost = with(one, b -> b.setEndpointSpec(EndpointSpec.newBuilder().addPorts(ingress(80, 8080)).addPorts(HOST_8080)));
        assertTrue(TaskInputs.changed(one.getSpec(), withHost.getSpec()));
        assertTrue(TaskInputs.outdated(withHost, taskOf(one)));
    }
}
