package io.orch.agent.api;

import io.orch.api.proto.GlobalJob;
import io.orch.api.proto.JobStatus;
import io.orch.api.proto.Node;
import io.orch.api.proto.NodeStatus;
import io.orch.api.proto.ReplicatedJob;
import io.orch.api.proto.Service;
import io.orch.api.proto.ServiceMode;
import io.orch.api.proto.ServiceSpec;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskState;
import io.orch.api.proto.TaskStatus;
import io.orch.api.proto.Version;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The counts the docker CLI prints for a job as "running/desired (completed/total completed)". */
class ServiceStatusCounterJobTest {
    private final Map<String, Node> nodes = Map.of("n1", Node.newBuilder().setId("n1")
            .setStatus(NodeStatus.newBuilder().setState(NodeStatus.State.READY)).build());

    private static Service job(ServiceMode mode, long iteration) {
        return Service.newBuilder().setId("s").setSpec(ServiceSpec.newBuilder().setName("j").setMode(mode))
                .setJobStatus(JobStatus.newBuilder().setJobIteration(Version.newBuilder().setIndex(iteration))).build();
    }

    private static Task task(long iteration, TaskState state, TaskState desired) {
        return Task.newBuilder().setServiceId("s").setNodeId("n1").setDesiredState(desired)
                .setJobIteration(Version.newBuilder().setIndex(iteration))
                .setStatus(TaskStatus.newBuilder().setState(state)).build();
    }

    @Test
    void aReplicatedJobCountsItsCurrentRunOnly() {
        Service s = job(ServiceMode.newBuilder().setReplicatedJob(ReplicatedJob.newBuilder()
                .setMaxConcurrent(2).setTotalCompletions(5)).build(), 2);
        List<Task> tasks = List.of(
                task(1, TaskState.COMPLETE, TaskState.COMPLETE), // an earlier run
                task(2, TaskState.COMPLETE, TaskState.COMPLETE),
                task(2, TaskState.COMPLETE, TaskState.COMPLETE),
                task(2, TaskState.RUNNING, TaskState.RUNNING),
                task(2, TaskState.PREPARING, TaskState.RUNNING));
        ServiceStatusCounter.Counts c = ServiceStatusCounter.count(s, tasks, nodes);
        assertEquals(new ServiceStatusCounter.Counts(1, 2, 2), c); // "1/2 (2/5 completed)"
    }

    @Test
    void aFinishedReplicatedJobDesiresNothingMore() {
        Service s = job(ServiceMode.newBuilder().setReplicatedJob(ReplicatedJob.newBuilder()
                .setMaxConcurrent(2).setTotalCompletions(3)).build(), 1);
        List<Task> tasks = List.of(task(1, TaskState.COMPLETE, TaskState.COMPLETE),
                task(1, TaskState.COMPLETE, TaskState.COMPLETE), task(1, TaskState.COMPLETE, TaskState.COMPLETE));
        assertEquals(new ServiceStatusCounter.Counts(0, 0, 3), ServiceStatusCounter.count(s, tasks, nodes));
    }

    @Test
    void aGlobalJobDesiresTheTasksOfItsRunNotYetCompleted() {
        Service s = job(ServiceMode.newBuilder().setGlobalJob(GlobalJob.getDefaultInstance()).build(), 1);
        List<Task> tasks = List.of(task(1, TaskState.COMPLETE, TaskState.COMPLETE), task(1, TaskState.RUNNING, TaskState.RUNNING));
        assertEquals(new ServiceStatusCounter.Counts(1, 1, 1), ServiceStatusCounter.count(s, tasks, nodes)); // "1/1 (1/2 completed)"
    }
}
