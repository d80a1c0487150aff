package io.orch.scheduler;

import io.orch.api.proto.Node;
import io.orch.api.proto.Task;
import io.orch.scheduler.filter.ConstraintFilter;
import io.orch.scheduler.filter.Filter;
import io.orch.scheduler.filter.ReadyFilter;
import io.orch.scheduler.filter.ResourceFilter;
import io.orch.scheduler.filter.RuntimeFilter;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pure placement: feasibility filters, then spread ranking (fewest tasks of the same service,
 * then fewest tasks overall, then node id for determinism). A batch is placed against node
 * state that is updated after every placement, so one batch never overcommits a node.
 */
public final class Scheduler {
    private final List<Filter> filters = List.of(new ReadyFilter(), new RuntimeFilter(),
            new ConstraintFilter(), new ResourceFilter());

    /**
     * Places {@code pending} tasks on {@code nodes}, where {@code liveTasks} are the tasks that
     * already hold resources (assigned, not finished). Tasks that already name a node (global
     * services) are only checked against that node.
     */
    public List<Placement> place(List<Task> pending, List<Node> nodes, List<Task> liveTasks) {
        Map<String, NodeInfo> infos = new LinkedHashMap<>();
        for (Node n : nodes) {
            infos.put(n.getId(), new NodeInfo(n));
        }
        for (Task t : liveTasks) {
            NodeInfo info = infos.get(t.getNodeId());
            if (info != null) {
                info.add(t);
            }
        }
        List<Placement> out = new ArrayList<>(pending.size());
        for (Task task : pending) {
            Placement p = placeOne(task, task.getNodeId().isEmpty()
                    ? infos.values() : pinned(infos.get(task.getNodeId())));
            if (p.placed()) {
                infos.get(p.nodeId()).add(p.task());
            }
            out.add(p);
        }
        return out;
    }

    private static List<NodeInfo> pinned(NodeInfo info) {
        return info == null ? List.of() : List.of(info);
    }

    private Placement placeOne(Task task, Iterable<NodeInfo> candidates) {
        NodeInfo best = null;
        int total = 0;
        int[] rejected = new int[filters.size()];
        for (NodeInfo node : candidates) {
            total++;
            int failed = firstFailingFilter(task, node);
            if (failed >= 0) {
                rejected[failed]++;
                continue;
            }
            if (best == null || better(task, node, best)) {
                best = node;
            }
        }
        if (best != null) {
            return Placement.on(task, best.id());
        }
        return Placement.unplaceable(task, explain(task, total, rejected));
    }

    private int firstFailingFilter(Task task, NodeInfo node) {
        for (int i = 0; i < filters.size(); i++) {
            Filter f = filters.get(i);
            if (f.appliesTo(task) && !f.check(task, node)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean better(Task task, NodeInfo a, NodeInfo b) {
        int byService = Integer.compare(a.tasksOf(task.getServiceId()), b.tasksOf(task.getServiceId()));
        if (byService != 0) {
            return byService < 0;
        }
        int byTotal = Integer.compare(a.taskCount(), b.taskCount());
        if (byTotal != 0) {
            return byTotal < 0;
        }
        return a.id().compareTo(b.id()) < 0;
    }

    private String explain(Task task, int total, int[] rejected) {
        if (total == 0) {
            return task.getNodeId().isEmpty() ? "no suitable node (no nodes in the cluster)"
                    : "no suitable node (node " + task.getNodeId() + " is gone)";
        }
        List<String> reasons = new ArrayList<>();
        for (int i = 0; i < filters.size(); i++) {
            if (rejected[i] > 0) {
                reasons.add(filters.get(i).explain(task, rejected[i]));
            }
        }
        return "no suitable node (" + String.join("; ", reasons) + ")";
    }
}
