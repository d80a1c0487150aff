package io.orch.bench.scheduler;

import io.orch.api.proto.Node;
import io.orch.api.proto.NodeDescription;
import io.orch.api.proto.NodeResources;
import io.orch.api.proto.NodeSpec;
import io.orch.api.proto.NodeStatus;
import io.orch.api.proto.Placement;
import io.orch.api.proto.PlacementPreference;
import io.orch.api.proto.Platform;
import io.orch.api.proto.ReplicatedService;
import io.orch.api.proto.ResourceRequirements;
import io.orch.api.proto.ResourceSet;
import io.orch.api.proto.Service;
import io.orch.api.proto.ServiceMode;
import io.orch.api.proto.ServiceSpec;
import io.orch.api.proto.SpreadOver;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskSpec;
import io.orch.scheduler.orchestrator.TaskFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The clusters and services the scheduler benchmarks place onto: nodes in 5 zones (labels
 * zone=z0..z4, disk=ssd on every other node), 32 CPUs and 64 GiB each; every service has a
 * constraint, a CPU + memory reservation and {@code spread=node.labels.zone}.
 */
public final class SyntheticCluster {
    public static final int ZONES = 5;
    private static final String[] CONSTRAINTS = {"node.labels.disk==ssd", "node.labels.zone!=z4", "node.platform.os==linux"};

    private SyntheticCluster() {}

    public static Node node(int i) {
        NodeSpec.Builder spec = NodeSpec.newBuilder().setRole(NodeSpec.Role.WORKER).setAvailability(NodeSpec.Availability.ACTIVE)
                .putLabels("zone", "z" + (i % ZONES));
        if (i % 2 == 0) {
            spec.putLabels("disk", "ssd");
        }
        return Node.newBuilder().setId(String.format("node-%05d", i)).setSpec(spec)
                .setDescription(NodeDescription.newBuilder().setHostname("host-" + i)
                        .setPlatform(Platform.newBuilder().setOs("linux").setArchitecture("x86_64"))
                        .setResources(NodeResources.newBuilder().setNanoCpus(32_000_000_000L).setMemoryBytes(64L << 30)))
                .setStatus(NodeStatus.newBuilder().setState(NodeStatus.State.READY))
                .addRuntimes("process")
                .build();
    }

    public static List<Node> nodes(int count) {
        List<Node> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(node(i));
        }
        return out;
    }

    /** Service number {@code i}: constraint i mod 3, 0.05 CPU and 64 MiB reserved per task, spread over zones. */
    public static Service service(int i, long replicas) {
        TaskSpec template = TaskSpec.newBuilder()
                .setResources(ResourceRequirements.newBuilder().setReservations(ResourceSet.newBuilder()
                        .setNanoCpus(50_000_000L).setMemoryBytes(64L << 20)))
                .setPlacement(Placement.newBuilder().addConstraints(CONSTRAINTS[i % CONSTRAINTS.length])
                        .addPreferences(PlacementPreference.newBuilder().setSpread(SpreadOver.newBuilder()
                                .setSpreadDescriptor("node.labels.zone"))))
                .build();
        return Service.newBuilder().setId(String.format("svc-%03d", i)).setSpecVersion(1)
                .setSpec(ServiceSpec.newBuilder().setName("svc-" + i).setTaskTemplate(template)
                        .setMode(ServiceMode.newBuilder().setReplicated(ReplicatedService.newBuilder().setReplicas(replicas))))
                .build();
    }

    /** {@code perService} new (unplaced) tasks for each of {@code services} services. */
    public static List<Task> pendingTasks(int services, int perService) {
        List<Task> out = new ArrayList<>(services * perService);
        for (int s = 0; s < services; s++) {
            Service service = service(s, perService);
            int[] n = {0};
            String prefix = service.getId() + "-";
            TaskFactory factory = new TaskFactory(() -> prefix + (n[0]++), Instant.EPOCH);
            for (int slot = 1; slot <= perService; slot++) {
                out.add(factory.newTask(service, slot, ""));
            }
        }
        return out;
    }
}
