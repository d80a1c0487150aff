package io.orch.scheduler;

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
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/** Random clusters and services for the property tests, all drawn from one seed. */
final class RandomClusters {
    static final String[] ZONES = {"a", "b", "c"};

    private RandomClusters() {}

    static List<Node> nodes(Random r, int count) {
        List<Node> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            NodeSpec.Builder spec = NodeSpec.newBuilder()
                    .setAvailability(r.nextInt(10) == 0 ? NodeSpec.Availability.DRAIN : NodeSpec.Availability.ACTIVE);
            if (r.nextInt(4) != 0) {
                spec.putLabels("zone", ZONES[r.nextInt(ZONES.length)]);
            }
            if (r.nextBoolean()) {
                spec.putLabels("disk", r.nextBoolean() ? "ssd" : "hdd");
            }
            out.add(Node.newBuilder().setId(String.format("n%03d", i)).setSpec(spec)
                    .setStatus(NodeStatus.newBuilder().setState(r.nextInt(12) == 0 ? NodeStatus.State.DOWN : NodeStatus.State.READY))
                    .setDescription(NodeDescription.newBuilder().setHostname("h" + i)
                            .setPlatform(Platform.newBuilder().setOs("linux").setArchitecture(r.nextInt(5) == 0 ? "aarch64" : "x86_64"))
                            .setResources(NodeResources.newBuilder()
                                    .setNanoCpus((1 + r.nextInt(8)) * 1_000_000_000L)
                                    .setMemoryBytes((1L + r.nextInt(8)) << 30)))
                    .addRuntimes("process")
                    .build());
        }
        return out;
    }

    static final String[] CONSTRAINTS = {"node.labels.zone==a", "node.labels.zone!=b", "node.labels.disk==ssd",
            "node.platform.arch==x86_64", "node.platform.os==linux", "node.role!=manager"};

    static Service service(Random r, String id, int replicas) {
        TaskSpec.Builder spec = TaskSpec.newBuilder();
        Placement.Builder placement = Placement.newBuilder();
        if (r.nextBoolean()) {
            placement.addConstraints(CONSTRAINTS[r.nextInt(CONSTRAINTS.length)]);
        }
        if (r.nextInt(3) == 0) {
            placement.addPreferences(PlacementPreference.newBuilder().setSpread(SpreadOver.newBuilder().setSpreadDescriptor("node.labels.zone")));
        }
        if (r.nextInt(4) == 0) {
            placement.setMaxReplicas(1 + r.nextInt(3));
        }
        spec.setPlacement(placement);
        if (r.nextBoolean()) {
            spec.setResources(ResourceRequirements.newBuilder().setReservations(ResourceSet.newBuilder()
                    .setNanoCpus(r.nextInt(3) * 500_000_000L).setMemoryBytes((long) r.nextInt(5) << 28)));
        }
        return Service.newBuilder().setId(id).setSpecVersion(1).setSpec(ServiceSpec.newBuilder().setName(id)
                .setTaskTemplate(spec)
                .setMode(ServiceMode.newBuilder().setReplicated(ReplicatedService.newBuilder().setReplicas(replicas))))
                .build();
    }

    static List<Task> tasks(Service s, int n) {
        AtomicInteger ids = new AtomicInteger();
        TaskFactory f = new TaskFactory(() -> s.getId() + "-t" + ids.incrementAndGet(), Instant.EPOCH);
        List<Task> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            out.add(f.newTask(s, i, ""));
        }
        return out;
    }
}
