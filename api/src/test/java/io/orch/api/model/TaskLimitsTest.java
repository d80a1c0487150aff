package io.orch.api.model;

import io.orch.api.proto.ClusterLimits;
import io.orch.api.proto.GlobalService;
import io.orch.api.proto.ReplicatedJob;
import io.orch.api.proto.ReplicatedService;
import io.orch.api.proto.ServiceMode;
import io.orch.api.proto.ServiceSpec;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TaskLimitsTest {
    private static final long HEAP_512_MIB = 512L << 20;

    @Test
    void defaultsFollowTheHeap() {
        TaskLimits limits = TaskLimits.of(ClusterLimits.getDefaultInstance(), HEAP_512_MIB);
        assertEquals(32_768, limits.maxTasks());
        assertEquals(8_192, limits.maxReplicasPerService());
        assertEquals(1_000, TaskLimits.of(ClusterLimits.getDefaultInstance(), 1L << 20).maxTasks(), "never below the floor");
    }

    @Test
    void theClustersSettingsWinAndOneServiceNeverExceedsTheTotal() {
        TaskLimits set = TaskLimits.of(ClusterLimits.newBuilder().setMaxTasks(100).setMaxReplicasPerService(500).build(), HEAP_512_MIB);
        assertEquals(100, set.maxTasks());
        assertEquals(100, set.maxReplicasPerService());
        assertEquals(25, TaskLimits.of(ClusterLimits.newBuilder().setMaxTasks(100).build(), HEAP_512_MIB).maxReplicasPerService());
    }

    @Test
    void whatAServiceAsksFor() {
        ServiceSpec replicated = ServiceSpec.newBuilder().setMode(ServiceMode.newBuilder()
                .setReplicated(ReplicatedService.newBuilder().setReplicas(7))).build();
        ServiceSpec global = ServiceSpec.newBuilder().setMode(ServiceMode.newBuilder().setGlobal(GlobalService.getDefaultInstance())).build();
        ServiceSpec job = ServiceSpec.newBuilder().setMode(ServiceMode.newBuilder()
                .setReplicatedJob(ReplicatedJob.newBuilder().setMaxConcurrent(3).setTotalCompletions(40))).build();
        assertEquals(7, TaskLimits.wantedTasks(replicated, 5));
        assertEquals(5, TaskLimits.wantedTasks(global, 5));
        assertEquals(0, TaskLimits.replicasAskedFor(global));
        assertEquals(40, TaskLimits.wantedTasks(job, 5));
        assertEquals(1, TaskLimits.wantedTasks(ServiceSpec.getDefaultInstance(), 5), "no mode: one replica, as Docker");
    }
}
