package io.orch.scheduler.filter;

import io.orch.scheduler.Demand;

import java.util.List;

/** Only nodes that are up and whose availability is active take new tasks. */
public final class ReadyFilter implements Filter {
    private static final Check CHECK = Check.of(true, node -> node.isReadyAndActive(),
            n -> Filter.nodes(n) + " not available (down, paused or drained)");

    @Override
    public void compile(Demand demand, List<Check> out) {
        out.add(CHECK);
    }
}
