package io.orch.scheduler;

import io.orch.api.proto.Task;
import io.orch.scheduler.filter.Check;
import io.orch.scheduler.filter.Filters;

import java.util.ArrayList;
import java.util.List;

/**
 * Places the tasks of one batch group (same service, same spec) on a {@link ClusterState}:
 * static checks once per node, then one {@link SpreadTree} pick per task, with the node state
 * updated after each placement so the group (and the batch) never overcommits a node.
 */
final class GroupPlacer {
    private final ClusterState state;
    private final Demand demand;
    private final List<Check> checks;
    private final Check[] dynamic;
    private final SchedulerOptions options;

    GroupPlacer(ClusterState state, Demand demand, SchedulerOptions options) {
        this.state = state;
        this.demand = demand;
        this.checks = Filters.compile(demand);
        this.dynamic = checks.stream().filter(c -> !c.isStatic()).toArray(Check[]::new);
        this.options = options;
    }

    /** Places {@code tasks} (all pinned to no node); {@code order} is the seeded order nodes are tried in. */
    void place(List<Task> tasks, List<Integer> positions, int[] order, Placement[] out) {
        SpreadTree tree = buildTree(order);
        String reason = null;
        String service = demand.serviceId();
        SpreadTree.Fit fit = this::fitsNow;
        SpreadTree.Rank rank = options.strategy() == Strategy.BINPACK ? this::fuller : this::lessLoaded;
        for (int i = 0; i < tasks.size(); i++) {
            Task task = tasks.get(i);
            int node = reason == null ? tree.pick(fit, rank) : -1;
            if (node < 0) {
                if (reason == null) {
                    reason = Explanation.noSuitableNode(checks, state.nodes());
                }
                out[positions.get(i)] = Placement.unplaceable(task, reason);
                continue;
            }
            NodeInfo info = state.node(node);
            info.add(service, demand.nanoCpus(), demand.memoryBytes(), demand.hostPorts());
            tree.placed(node, fitsNow(node));
            out[positions.get(i)] = Placement.on(task, info.id());
        }
    }

    /** Places one task bound to a node (a global service's task): only that node is checked. */
    Placement placePinned(Task task) {
        NodeInfo info = state.node(task.getNodeId());
        if (info == null) {
            return Placement.unplaceable(task, Explanation.nodeGone(task.getNodeId()));
        }
        for (Check c : checks) {
            if (!c.test(info)) {
                return Placement.unplaceable(task, "no suitable node (" + c.explain(1) + ")");
            }
        }
        info.add(demand.serviceId(), demand.nanoCpus(), demand.memoryBytes(), demand.hostPorts());
        return Placement.on(task, info.id());
    }

    private SpreadTree buildTree(int[] order) {
        boolean spread = options.strategy() == Strategy.SPREAD;
        SpreadTree tree = new SpreadTree(state.size(), spread, options.limitFor(state.size()));
        List<String> prefs = demand.spreadOver();
        String service = demand.serviceId();
        List<Integer> fitting = new ArrayList<>();
        for (int idx : order) {
            if (fitsFully(state.node(idx))) {
                fitting.add(idx);
            }
        }
        if (!spread) {
            // bin-pack tries the fullest nodes first, so successive batches keep filling them
            fitting.sort((a, b) -> Double.compare(state.node(b).fillAfter(0, 0), state.node(a).fillAfter(0, 0)));
        }
        for (int idx : fitting) {
            NodeInfo info = state.node(idx);
            String[] path = new String[prefs.size()];
            for (int p = 0; p < path.length; p++) {
                String v = io.orch.scheduler.filter.Constraint.attribute(prefs.get(p), info.node());
                path[p] = v == null ? "" : v;
            }
            tree.add(idx, path, info.tasksOf(service), info.recentFailuresOf(service) >= options.failureThreshold());
        }
        return tree;
    }

    private boolean fitsFully(NodeInfo node) {
        for (Check c : checks) {
            if (!c.test(node)) {
                return false;
            }
        }
        return true;
    }

    private boolean fitsNow(int idx) {
        NodeInfo node = state.node(idx);
        for (Check c : dynamic) {
            if (!c.test(node)) {
                return false;
            }
        }
        return true;
    }

    /** Spread: fewer recent failures of the service, then fewer tasks overall. */
    private int lessLoaded(int a, int b) {
        NodeInfo x = state.node(a);
        NodeInfo y = state.node(b);
        int byFailures = Integer.compare(x.recentFailuresOf(demand.serviceId()), y.recentFailuresOf(demand.serviceId()));
        return byFailures != 0 ? byFailures : Integer.compare(x.taskCount(), y.taskCount());
    }

    /** Bin-pack: fewer recent failures, then the node fullest after placement, then more tasks. */
    private int fuller(int a, int b) {
        NodeInfo x = state.node(a);
        NodeInfo y = state.node(b);
        int byFailures = Integer.compare(x.recentFailuresOf(demand.serviceId()), y.recentFailuresOf(demand.serviceId()));
        if (byFailures != 0) {
            return byFailures;
        }
        int byFill = Double.compare(y.fillAfter(demand.nanoCpus(), demand.memoryBytes()),
                x.fillAfter(demand.nanoCpus(), demand.memoryBytes()));
        return byFill != 0 ? byFill : Integer.compare(y.taskCount(), x.taskCount());
    }
}
