package io.orch.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.orch.cli.client.ApiException;
import io.orch.cli.client.DockerApi;
import java.util.HashMap;
import java.util.Map;

/**
 * Turns the ids in a log line's details into docker's prefix
 * {@code SERVICE.SLOT.TASKID@NODE} (task id cut to 12 characters unless asked not to), looking
 * each task, service and node up once. An id that cannot be resolved is shown as is.
 */
final class LogContext {
    private final DockerApi api;
    private final boolean taskIds;
    private final boolean truncate;
    private final int padding;
    private final Map<String, JsonNode> tasks = new HashMap<>();
    private final Map<String, String> services = new HashMap<>();
    private final Map<String, String> nodes = new HashMap<>();

    /**
     * @param padding the width slot numbers are padded to (digits of the replica count), so the
     *                bars line up as docker's do
     */
    LogContext(DockerApi api, boolean taskIds, boolean truncate, int padding) {
        this.api = api;
        this.taskIds = taskIds;
        this.truncate = truncate;
        this.padding = padding;
    }

    /** The prefix, bar included: "web.1.abcdef123456@host1    | ". */
    String prefix(String nodeId, String serviceId, String taskId) {
        JsonNode task = tasks.computeIfAbsent(taskId, id -> lookup("/tasks/" + id));
        long slot = task == null ? 0 : task.path("Slot").asLong();
        String service = services.computeIfAbsent(serviceId, id -> {
            JsonNode s = lookup("/services/" + id);
            return s == null ? id : s.path("Spec").path("Name").asText(id);
        });
        String node = nodes.computeIfAbsent(nodeId, id -> {
            JsonNode n = lookup("/nodes/" + id);
            return n == null ? id : n.path("Description").path("Hostname").asText(id);
        });
        StringBuilder name = new StringBuilder(service).append('.').append(slot);
        if (taskIds) {
            name.append('.').append(truncate && taskId.length() > 12 ? taskId.substring(0, 12) : taskId);
        }
        String slotDigits = Long.toString(slot);
        return name + "@" + node + " ".repeat(Math.max(0, padding - slotDigits.length())) + "    | ";
    }

    private JsonNode lookup(String path) {
        try {
            return api.get(path);
        } catch (ApiException e) {
            return null; // gone since (a pruned task, a removed node): the id will do
        }
    }
}
