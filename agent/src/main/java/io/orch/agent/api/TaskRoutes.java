package io.orch.agent.api;

import io.orch.api.model.TaskStates;
import io.orch.api.proto.Service;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskState;
import io.orch.raft.store.ReadTx;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** {@code /tasks}: list with Docker's filters, inspect. */
final class TaskRoutes {
    private static final Set<String> FILTERS = Set.of("id", "name", "service", "node", "desired-state", "label", "_up-to-date");

    private final ApiContext context;
    /** The tasks' JSON, mapped once per stored version of each. */
    private final RenderedJson<Task> rendered = new RenderedJson<>(TaskJson::write);

    TaskRoutes(ApiContext context) {
        this.context = context;
    }

    void register(Router router) {
        router.get("/tasks", this::list);
        router.get("/tasks/{id}", this::inspect);
    }

    ApiResponse list(ApiRequest request) throws ApiException {
        DockerFilters filters = DockerFilters.parse(request.query("filters")).accept(FILTERS);
        for (String s : filters.get("desired-state")) {
            if (!s.equals("running") && !s.equals("shutdown") && !s.equals("accepted")) {
                throw ApiException.badRequest("Invalid desired-state filter: '" + s + "'");
            }
        }
        // the read lock is held while the tasks are filtered, not while they are mapped
        List<Task> matching = StoreReads.read(context.store(), tx -> {
            TaskFilter filter = TaskFilter.of(tx, filters);
            List<Task> tasks = new ArrayList<>();
            for (Task t : tx.tasks()) {
                if (filter.matches(t)) {
                    tasks.add(t);
                }
            }
            return tasks;
        });
        List<byte[]> elements = new ArrayList<>(matching.size());
        for (Task t : matching) {
            elements.add(rendered.of(t));
        }
        return ApiResponse.okJson(RenderedJson.array(elements));
    }

    ApiResponse inspect(ApiRequest request) throws ApiException {
        String input = request.pathParam("id");
        Task task = StoreReads.read(context.store(), tx -> ObjectResolver.task(tx, input));
        return ApiResponse.okJson(rendered.of(task));
    }

    /** The task filters, with service and node names already resolved to ids (as moby does). */
    record TaskFilter(ReadTx tx, DockerFilters filters, Set<String> serviceIds, Set<String> nodeIds) {

        static TaskFilter of(ReadTx tx, DockerFilters filters) throws ApiException {
            Set<String> services = new HashSet<>();
            for (String s : filters.get("service")) {
                services.add(ObjectResolver.service(tx, s).getId());
            }
            Set<String> nodes = new HashSet<>();
            for (String n : filters.get("node")) {
                nodes.add(ObjectResolver.node(tx, n).getId());
            }
            return new TaskFilter(tx, filters, services, nodes);
        }

        boolean matches(Task t) {
            // the service filter (docker service ps) first; a task's name is made only for a name filter
            return (!filters.has("service") || serviceIds.contains(t.getServiceId()))
                    && filters.matchesPrefix("id", t.getId())
                    && (!filters.has("name") || filters.matchesPrefix("name", TaskNames.name(tx, t)))
                    && (!filters.has("node") || nodeIds.contains(t.getNodeId()))
                    && filters.matchesLabels("label", t.getLabelsMap())
                    && desiredStateMatches(t)
                    && upToDateMatches(t);
        }

        /**
         * running and accepted match exactly, as in Docker; shutdown also matches the desired
         * states past it (orch marks tasks of a removed service REMOVE), so "not wanted any more"
         * is one filter.
         */
        private boolean desiredStateMatches(Task t) {
            if (!filters.has("desired-state")) {
                return true;
            }
            TaskState d = t.getDesiredState();
            for (String s : filters.get("desired-state")) {
                boolean hit = switch (s) {
                    case "running" -> d == TaskState.RUNNING;
                    case "accepted" -> d == TaskState.ACCEPTED;
                    default -> TaskStates.atLeast(d, TaskState.SHUTDOWN);
                };
                if (hit) {
                    return true;
                }
            }
            return false;
        }

        /** Docker's private {@code _up-to-date}: tasks built from their service's current spec version. */
        private boolean upToDateMatches(Task t) {
            if (!filters.has("_up-to-date")) {
                return true;
            }
            boolean upToDate = tx.service(t.getServiceId()).map(Service::getSpecVersion)
                    .map(v -> v == t.getSpecVersion()).orElse(false);
            Set<String> wanted = filters.get("_up-to-date");
            return wanted.contains(upToDate ? "true" : "false") || (upToDate && wanted.contains("1"));
        }
    }
}
