package io.orch.scheduler.filter;

import io.orch.api.proto.Task;
import io.orch.scheduler.NodeInfo;

import java.util.ArrayList;
import java.util.List;

/** Placement constraints (`node.labels.zone==eu`, `node.role!=manager`, ...). */
public final class ConstraintFilter implements Filter {
    @Override
    public boolean appliesTo(Task task) {
        return task.getSpec().getPlacement().getConstraintsCount() > 0;
    }

    @Override
    public boolean check(Task task, NodeInfo node) {
        for (String c : task.getSpec().getPlacement().getConstraintsList()) {
            if (!Constraint.parse(c).matches(node.node())) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String explain(Task task, int rejectedNodes) {
        List<String> cs = new ArrayList<>(task.getSpec().getPlacement().getConstraintsList());
        return "constraint " + String.join(" && ", cs) + " not met on " + Filter.nodes(rejectedNodes);
    }
}
