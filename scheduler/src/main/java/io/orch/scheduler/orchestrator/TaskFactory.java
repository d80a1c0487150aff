package io.orch.scheduler.orchestrator;

import io.orch.api.model.Times;
import io.orch.api.proto.Service;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskState;
import io.orch.api.proto.TaskStatus;

import java.time.Instant;
import java.util.function.Supplier;

/** Builds new tasks from a service's current spec. */
public final class TaskFactory {
    private final Supplier<String> ids;
    private final Instant now;

    public TaskFactory(Supplier<String> ids, Instant now) {
        this.ids = ids;
        this.now = now;
    }

    /** A task for {@code slot} (replicated) or for {@code nodeId} (global, slot 0); a job's task names its run. */
    public Task newTask(Service service, long slot, String nodeId) {
        Task.Builder task = Task.newBuilder();
        if (JobModes.isJob(service)) {
            task.setJobIteration(service.getJobStatus().getJobIteration());
        }
        return task
                .setId(ids.get())
                .setServiceId(service.getId())
                .setSlot(slot)
                .setNodeId(nodeId)
                .setSpec(service.getSpec().getTaskTemplate())
                // the endpoint spec the task is built from is the service spec's, whether or not the
                // service's Endpoint has caught up with it yet (TaskInputs compares the two)
                .setEndpoint(service.getEndpoint().toBuilder().setSpec(service.getSpec().getEndpointSpec()))
                .setSpecVersion(service.getSpecVersion())
                .setDesiredState(TaskState.RUNNING)
                .putAllLabels(service.getSpec().getTaskTemplate().getContainerSpec().getLabelsMap())
                .setStatus(TaskStatus.newBuilder().setState(TaskState.NEW).setMessage("created")
                        .setTimestamp(Times.timestamp(now)))
                .build();
    }

    public Instant now() {
        return now;
    }
}
