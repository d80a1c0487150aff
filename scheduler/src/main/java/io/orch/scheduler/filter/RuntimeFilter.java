package io.orch.scheduler.filter;

import io.orch.api.proto.Task;
import io.orch.scheduler.NodeInfo;

/** A task that names a runtime only goes to nodes that fingerprinted it. */
public final class RuntimeFilter implements Filter {
    /** Docker clients send "container" (or nothing) meaning "any container runtime". */
    public static boolean anyRuntime(String runtime) {
        return runtime.isEmpty() || runtime.equals("container");
    }

    @Override
    public boolean appliesTo(Task task) {
        return !anyRuntime(task.getSpec().getRuntime());
    }

    @Override
    public boolean check(Task task, NodeInfo node) {
        return node.node().getRuntimesList().contains(task.getSpec().getRuntime());
    }

    @Override
    public String explain(Task task, int rejectedNodes) {
        return "runtime " + task.getSpec().getRuntime() + " not available on " + Filter.nodes(rejectedNodes);
    }
}
