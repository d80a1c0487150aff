package io.orch.agent.api;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.orch.api.proto.Service;
import io.orch.api.proto.Task;
import io.orch.raft.store.ReadTx;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * {@code GET /services/{id}/logs} and {@code GET /tasks/{id}/logs} as Docker's multiplexed
 * stream (see {@link LogStream}). Node-local for now: only the tasks that ran on this node are
 * read (their files are under this node's data dir); tasks of the service on other nodes are
 * left out, and a task of another node is refused with 501.
 */
final class LogRoutes {
    /** One small thread polls every following request's files: no thread per request or per line. */
    private static final ScheduledExecutorService FOLLOWERS = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "orch-log-follow");
        t.setDaemon(true);
        return t;
    });

    private final ApiContext context;

    LogRoutes(ApiContext context) {
        this.context = context;
    }

    void register(Router router) {
        router.get("/services/{id}/logs", this::serviceLogs);
        router.get("/tasks/{id}/logs", this::taskLogs);
    }

    private Path tasksDir() throws ApiException {
        return context.services().taskDirectories().orElseThrow(() ->
                new ApiException(HttpResponseStatus.NOT_IMPLEMENTED, "this node keeps no task logs"));
    }

    ApiResponse serviceLogs(ApiRequest request) throws ApiException {
        LogOptions options = LogOptions.of(request);
        Path dir = tasksDir();
        String serviceId = StoreReads.read(context.store(), tx -> ObjectResolver.service(tx, request.pathParam("id"))).getId();
        LogStream.TaskSource source = () -> context.store().read(tx ->
                tx.service(serviceId).map(s -> localTasksOf(tx, s)));
        return stream(options, source, dir);
    }

    ApiResponse taskLogs(ApiRequest request) throws ApiException {
        LogOptions options = LogOptions.of(request);
        Path dir = tasksDir();
        Task task = StoreReads.read(context.store(), tx -> ObjectResolver.task(tx, request.pathParam("id")));
        if (!task.getNodeId().equals(context.nodeId())) {
            throw new ApiException(HttpResponseStatus.NOT_IMPLEMENTED, "task " + task.getId() + " ran on node "
                    + (task.getNodeId().isEmpty() ? "(none yet)" : task.getNodeId())
                    + "; logs are served by the node that ran the task (ask that node's agent)");
        }
        String taskId = task.getId();
        LogStream.TaskSource source = () -> context.store().read(tx -> tx.task(taskId).map(List::of));
        return stream(options, source, dir);
    }

    private ApiResponse stream(LogOptions options, LogStream.TaskSource source, Path dir) {
        LogStream stream = new LogStream(options, source, dir, context.nodeId(), context.clock(), FOLLOWERS);
        return ApiResponse.streaming(HttpResponseStatus.OK, LogFrames.CONTENT_TYPE, stream);
    }

    /** The service's tasks that were placed on this node, oldest slot first. */
    private List<Task> localTasksOf(ReadTx tx, Service service) {
        List<Task> out = new ArrayList<>();
        for (Task t : tx.tasks()) {
            if (t.getServiceId().equals(service.getId()) && t.getNodeId().equals(context.nodeId())) {
                out.add(t);
            }
        }
        out.sort(Comparator.comparingLong(Task::getSlot)
                .thenComparingLong(t -> t.getCreatedAt().getSeconds())
                .thenComparingInt(t -> t.getCreatedAt().getNanos())
                .thenComparing(Task::getId));
        return out;
    }
}
