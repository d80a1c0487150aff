package io.orch.scheduler;

import io.orch.api.proto.GlobalService;
import io.orch.api.proto.Node;
import io.orch.api.proto.NodeDescription;
import io.orch.api.proto.NodeResources;
import io.orch.api.proto.NodeSpec;
import io.orch.api.proto.NodeStatus;
import io.orch.api.proto.ReplicatedService;
import io.orch.api.proto.RestartPolicy;
import io.orch.api.proto.Service;
import io.orch.api.proto.ServiceMode;
import io.orch.api.proto.ServiceSpec;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskSpec;
import io.orch.api.proto.TaskState;
import io.orch.api.proto.TaskStatus;
import io.orch.api.model.Times;

import java.time.Instant;

public final class Fixtures {
    private Fixtures() {}

    public static Node node(String id) {
        return Node.newBuilder().setId(id)
                .setSpec(NodeSpec.newBuilder().setAvailability(NodeSpec.Availability.ACTIVE))
                .setStatus(NodeStatus.newBuilder().setState(NodeStatus.State.READY))
                .setDescription(NodeDescription.newBuilder().setHostname("host-" + id)
                        .setResources(NodeResources.newBuilder().setNanoCpus(2_000_000_000L).setMemoryBytes(1L << 30)))
                .addRuntimes("process")
                .build();
    }

    public static Service replicated(String id, long replicas, RestartPolicy policy) {
        return Service.newBuilder().setId(id).setSpecVersion(1).setSpec(ServiceSpec.newBuilder().setName("svc-" + id)
                .setTaskTemplate(TaskSpec.newBuilder().setRestartPolicy(policy))
                .setMode(ServiceMode.newBuilder().setReplicated(ReplicatedService.newBuilder().setReplicas(replicas))))
                .build();
    }

    public static Service global(String id) {
        return Service.newBuilder().setId(id).setSpecVersion(1).setSpec(ServiceSpec.newBuilder().setName("svc-" + id)
                .setTaskTemplate(TaskSpec.getDefaultInstance())
                .setMode(ServiceMode.newBuilder().setGlobal(GlobalService.getDefaultInstance())))
                .build();
    }

    public static Task task(String id, Service s, long slot, String node, TaskState state, Instant created, Instant changed) {
        return Task.newBuilder().setId(id).setServiceId(s.getId()).setSlot(slot).setNodeId(node)
                .setSpec(s.getSpec().getTaskTemplate()).setSpecVersion(s.getSpecVersion())
                .setDesiredState(TaskState.RUNNING).setCreatedAt(Times.timestamp(created))
                .setStatus(TaskStatus.newBuilder().setState(state).setTimestamp(Times.timestamp(changed)))
                .build();
    }
}
