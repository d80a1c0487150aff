package io.orch.agent.api;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.orch.agent.logs.LogFollowers;
import io.orch.agent.logs.TaskFeeds;
import io.orch.api.proto.Service;
import io.orch.api.proto.Task;
import io.orch.raft.store.ReadTx;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * {@code GET /services/{id}/logs} and {@code GET /tasks/{id}/logs} as Docker's multiplexed
 * stream (see {@link LogStream}). The tasks of this node are read from its files; the others
 * from the node that ran them, through its {@code NodeLogs} service, when this node has a
 * {@link io.orch.agent.logs.NodeLogsClient} (managers). Without one, only this node's tasks are
 * shown, and a task of another node is refused with 501.
 */
final class LogRoutes {
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
        TaskFeeds feeds = feeds(options);
        var service = StoreReads.read(context.store(), tx -> ObjectResolver.service(tx, request.pathParam("id")));
        String serviceId = service.getId();
        LogStream.TaskSource source = () -> context.store().read(tx ->
                tx.service(serviceId).map(s -> tasksOf(tx, s, feeds)));
        return stream(options, source, feeds, service.getSpec().getTaskTemplate().getContainerSpec().getTty());
    }

    ApiResponse taskLogs(ApiRequest request) throws ApiException {
        LogOptions options = LogOptions.of(request);
        TaskFeeds feeds = feeds(options);
        Task task = StoreReads.read(context.store(), tx -> ObjectResolver.task(tx, request.pathParam("id")));
        if (!feeds.reaches(task)) {
            throw new ApiException(HttpResponseStatus.NOT_IMPLEMENTED, "task " + task.getId() + " ran on node "
                    + (task.getNodeId().isEmpty() ? "(none yet)" : task.getNodeId())
                    + "; logs are served by the node that ran the task (ask that node's agent)");
        }
        String taskId = task.getId();
        LogStream.TaskSource source = () -> context.store().read(tx -> tx.task(taskId).map(List::of));
        return stream(options, source, feeds, task.getSpec().getContainerSpec().getTty());
    }

    private TaskFeeds feeds(LogOptions options) throws ApiException {
        return new TaskFeeds(context.nodeId(), tasksDir(), context.services().nodeLogsClient().orElse(null),
                id -> context.store().read(tx -> tx.node(id)), options.query());
    }

    /** @param tty the service's tasks have a terminal: raw output, as Docker's */
    private ApiResponse stream(LogOptions options, LogStream.TaskSource source, TaskFeeds feeds, boolean tty) {
        LogStream stream = new LogStream(options, source, feeds, context.clock(), LogFollowers.shared());
        if (tty) {
            return ApiResponse.streaming(HttpResponseStatus.OK, LogFrames.RAW_CONTENT_TYPE, stream.raw());
        }
        return ApiResponse.streaming(HttpResponseStatus.OK, LogFrames.CONTENT_TYPE, stream);
    }

    /** The service's tasks whose logs can be read from here, oldest slot first. */
    private static List<Task> tasksOf(ReadTx tx, Service service, TaskFeeds feeds) {
        List<Task> out = new ArrayList<>();
        for (Task t : tx.tasks()) {
            if (t.getServiceId().equals(service.getId()) && feeds.reaches(t)) {
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
