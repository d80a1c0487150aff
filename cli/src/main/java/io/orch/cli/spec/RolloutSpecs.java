package io.orch.cli.spec;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Applies {@link RolloutOptions} to a ServiceSpec JSON, as docker does for create and update:
 * when any --update-* (or --rollback-*) flag is given, UpdateConfig (RollbackConfig) is the
 * existing one, or Docker's defaults when there is none, with the given fields replaced.
 * Health flags change ContainerSpec.Healthcheck the same way. Pure.
 */
public final class RolloutSpecs {
    static final long DEFAULT_MONITOR = 5_000_000_000L;

    private RolloutSpecs() {}

    public static void apply(ObjectNode spec, RolloutOptions o) {
        if (o.updateParallelism != null || o.updateDelay != null || o.updateMonitor != null || o.updateFailureAction != null
                || o.updateMaxFailureRatio != null || o.updateOrder != null) {
            ObjectNode u = config(spec, "UpdateConfig");
            set(u, "Parallelism", o.updateParallelism);
            set(u, "Delay", o.updateDelay);
            set(u, "Monitor", o.updateMonitor);
            if (o.updateFailureAction != null) u.put("FailureAction", o.updateFailureAction);
            if (o.updateMaxFailureRatio != null) u.put("MaxFailureRatio", o.updateMaxFailureRatio);
            if (o.updateOrder != null) u.put("Order", o.updateOrder);
        }
        if (o.rollbackParallelism != null || o.rollbackDelay != null || o.rollbackMonitor != null || o.rollbackFailureAction != null
                || o.rollbackMaxFailureRatio != null || o.rollbackOrder != null) {
            ObjectNode r = config(spec, "RollbackConfig");
            set(r, "Parallelism", o.rollbackParallelism);
            set(r, "Delay", o.rollbackDelay);
            set(r, "Monitor", o.rollbackMonitor);
            if (o.rollbackFailureAction != null) r.put("FailureAction", o.rollbackFailureAction);
            if (o.rollbackMaxFailureRatio != null) r.put("MaxFailureRatio", o.rollbackMaxFailureRatio);
            if (o.rollbackOrder != null) r.put("Order", o.rollbackOrder);
        }
        applyHealth(spec, o);
    }

    private static void applyHealth(ObjectNode spec, RolloutOptions o) {
        boolean any = o.healthCmd != null || o.healthInterval != null || o.healthTimeout != null || o.healthRetries != null
                || o.healthStartPeriod != null || o.healthStartInterval != null;
        if (o.noHealthcheck && any) {
            throw new ServiceSpecBuilder.InvalidCombinationException("--no-healthcheck", "--no-healthcheck conflicts with --health-* options");
        }
        if (!o.noHealthcheck && !any) {
            return;
        }
        ObjectNode cs = object(object(spec, "TaskTemplate"), "ContainerSpec");
        if (o.noHealthcheck) {
            cs.putObject("Healthcheck").putArray("Test").add("NONE");
            return;
        }
        ObjectNode h = object(cs, "Healthcheck");
        if (o.healthCmd != null) {
            ArrayNode test = h.putArray("Test");
            test.add("CMD-SHELL").add(o.healthCmd);
        }
        set(h, "Interval", o.healthInterval);
        set(h, "Timeout", o.healthTimeout);
        set(h, "Retries", o.healthRetries);
        set(h, "StartPeriod", o.healthStartPeriod);
        set(h, "StartInterval", o.healthStartInterval);
    }

    private static ObjectNode config(ObjectNode spec, String field) {
        if (spec.get(field) instanceof ObjectNode existing) {
            return existing;
        }
        ObjectNode c = spec.putObject(field);
        c.put("Parallelism", 1).put("FailureAction", "pause").put("Monitor", DEFAULT_MONITOR)
                .put("MaxFailureRatio", 0).put("Order", "stop-first");
        return c;
    }

    static ObjectNode object(ObjectNode parent, String field) {
        return parent.get(field) instanceof ObjectNode o ? o : parent.putObject(field);
    }

    private static void set(ObjectNode node, String field, Long value) {
        if (value != null) node.put(field, value);
    }
}
