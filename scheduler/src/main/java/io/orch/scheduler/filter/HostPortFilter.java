package io.orch.scheduler.filter;

import io.orch.scheduler.Demand;

import java.util.List;

/** A host-mode published port can be bound by one task per node only. */
public final class HostPortFilter implements Filter {
    @Override
    public void compile(Demand demand, List<Check> out) {
        List<String> ports = demand.hostPorts();
        if (!ports.isEmpty()) {
            out.add(Check.of(false, node -> node.hostPortsFree(ports),
                    n -> "host-mode port " + String.join(",", ports) + " already in use on " + Filter.nodes(n)));
        }
    }
}
