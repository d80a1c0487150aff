package io.orch.scheduler;

import io.orch.api.proto.PlacementPreference;
import io.orch.api.proto.ResourceSet;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskSpec;
import io.orch.scheduler.filter.Constraint;
import io.orch.scheduler.filter.RuntimeFilter;

import java.util.ArrayList;
import java.util.List;

/**
 * What one task spec asks of a node, parsed once per batch group instead of once per node:
 * the filters and rankers only read this record.
 *
 * @param serviceId   the service the tasks belong to (spread and per-node counts are per service)
 * @param spec        the task spec it was parsed from
 * @param runtime     the runtime the task needs, or "" for any
 * @param nanoCpus    reserved CPU per task
 * @param memoryBytes reserved memory per task
 * @param constraints parsed placement constraints
 * @param hostPorts   host-mode published ports ("8080/tcp"); at most one task using a port per node
 * @param maxReplicas tasks of this service per node at most (0: no limit)
 * @param spreadOver  label descriptors of the spread preferences, outermost first
 */
public record Demand(String serviceId, TaskSpec spec, String runtime, long nanoCpus, long memoryBytes,
                     List<Constraint> constraints, List<String> hostPorts, long maxReplicas, List<String> spreadOver) {

    public static Demand of(Task task) {
        return of(task.getServiceId(), task.getSpec(), List.of());
    }

    /** Parses {@code spec}; constraints that do not parse are treated as never met (the API refuses them earlier). */
    public static Demand of(String serviceId, TaskSpec spec, List<String> hostPorts) {
        ResourceSet r = spec.getResources().getReservations();
        List<Constraint> constraints = new ArrayList<>(spec.getPlacement().getConstraintsCount());
        for (String c : spec.getPlacement().getConstraintsList()) {
            constraints.add(Constraint.parseLenient(c));
        }
        List<String> spread = new ArrayList<>();
        for (PlacementPreference p : spec.getPlacement().getPreferencesList()) {
            if (p.hasSpread() && !p.getSpread().getSpreadDescriptor().isBlank()) {
                spread.add(p.getSpread().getSpreadDescriptor().trim());
            }
        }
        String runtime = RuntimeFilter.anyRuntime(spec.getRuntime()) ? "" : spec.getRuntime();
        return new Demand(serviceId, spec, runtime, Math.max(0, r.getNanoCpus()), Math.max(0, r.getMemoryBytes()),
                List.copyOf(constraints), List.copyOf(hostPorts), spec.getPlacement().getMaxReplicas(), List.copyOf(spread));
    }

    public boolean reservesResources() {
        return nanoCpus > 0 || memoryBytes > 0;
    }
}
