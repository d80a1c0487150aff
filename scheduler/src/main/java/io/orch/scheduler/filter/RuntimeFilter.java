package io.orch.scheduler.filter;

import io.orch.scheduler.Demand;

import java.util.List;

/** A task that names a runtime only goes to nodes that fingerprinted it. */
public final class RuntimeFilter implements Filter {
    /** Docker clients send "container" (or nothing) meaning "any container runtime". */
    public static boolean anyRuntime(String runtime) {
        return runtime.isEmpty() || runtime.equals("container");
    }

    @Override
    public void compile(Demand demand, List<Check> out) {
        String runtime = demand.runtime();
        if (!runtime.isEmpty()) {
            out.add(Check.of(true, node -> node.node().getRuntimesList().contains(runtime),
                    n -> "runtime " + runtime + " not available on " + Filter.nodes(n)));
        }
    }
}
