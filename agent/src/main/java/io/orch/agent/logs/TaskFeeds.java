package io.orch.agent.logs;

import io.orch.api.proto.Node;
import io.orch.api.proto.NodeStatus;
import io.orch.api.proto.Task;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Opens the feed of each task of one logs request: this node's files for its own tasks, the
 * task's node's {@code NodeLogs} for the others. Remembers, for the rest of the request, the
 * nodes that could not be reached: a node that is gone costs one connect timeout, not one per task.
 */
public final class TaskFeeds {
    private final String selfNodeId;
    private final Path tasksDir;
    private final NodeLogsClient client;
    private final Function<String, Optional<Node>> nodes;
    private final LogQuery query;
    private final Map<String, String> unreachable = new ConcurrentHashMap<>();

    /**
     * @param tasksDir where this node's task directories are
     * @param client   calls other nodes; null when this node reads only its own tasks
     * @param nodes    the stored Node of a node id
     */
    public TaskFeeds(String selfNodeId, Path tasksDir, NodeLogsClient client, Function<String, Optional<Node>> nodes,
                     LogQuery query) {
        this.selfNodeId = selfNodeId;
        this.tasksDir = tasksDir;
        this.client = client;
        this.nodes = nodes;
        this.query = query;
    }

    /** Whether the logs of {@code task} can be asked for here at all (its node is this one, or other nodes can be called). */
    public boolean reaches(Task task) {
        return task.getNodeId().equals(selfNodeId) || (client != null && !task.getNodeId().isEmpty());
    }

    /** @throws LogUnavailableException with the reason for the user when the task's node cannot serve them */
    public TaskLogFeed open(Task task) throws LogUnavailableException {
        String nodeId = task.getNodeId();
        if (nodeId.equals(selfNodeId)) {
            return new LocalTaskFeed(TaskLogReader.of(tasksDir, task.getId(), query), query, task.getId());
        }
        if (client == null || nodeId.isEmpty()) {
            throw new LogUnavailableException("task " + task.getId() + " has no logs on this node");
        }
        String known = unreachable.get(nodeId);
        if (known != null) {
            throw new LogUnavailableException(known);
        }
        Node node = nodes.apply(nodeId).orElseThrow(() ->
                new LogUnavailableException("node " + nodeId + " is no longer part of the cluster"));
        if (node.getStatus().getState() == NodeStatus.State.DOWN) {
            throw new LogUnavailableException("node " + nodeId + " (" + node.getDescription().getHostname() + ") is down");
        }
        String address = NodeRpcAddress.of(node).orElseThrow(() ->
                new LogUnavailableException("node " + nodeId + " has not reported its RPC address yet"));
        return new RemoteTaskFeed(client, nodeId, address, query.toRequest(task.getId()),
                message -> unreachable.put(nodeId, message));
    }
}
