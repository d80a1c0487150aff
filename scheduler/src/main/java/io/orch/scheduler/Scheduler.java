package io.orch.scheduler;

import io.orch.api.proto.Node;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskSpec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Pure placement (swarmkit's explainable filters, Nomad's feasibility-then-rank with a bounded
 * candidate limit). A batch of pending tasks is split into groups (same service, same spec);
 * each group is checked against every node once, then its tasks are placed one by one through a
 * {@link SpreadTree} in about O(log n) each, against a {@link ClusterState} that is updated after
 * every placement, so one batch never overcommits a node. Tasks bound to a node (global
 * services) are only checked against that node, and go first: they have no alternative.
 *
 * <p>Deterministic: the only randomness is the order equally good nodes are tried in, drawn
 * from {@link SchedulerOptions#seed()}.
 */
public final class Scheduler {
    private final SchedulerOptions options;

    public Scheduler() {
        this(SchedulerOptions.DEFAULTS);
    }

    public Scheduler(SchedulerOptions options) {
        this.options = options;
    }

    /**
     * Places {@code pending} tasks on {@code nodes}, where {@code liveTasks} are the tasks that
     * already hold resources (assigned, not finished).
     */
    public List<Placement> place(List<Task> pending, List<Node> nodes, List<Task> liveTasks) {
        return place(pending, ClusterState.of(nodes, liveTasks));
    }

    /** Places {@code pending} tasks, in their order within each group; the result is in the order of {@code pending}. */
    public List<Placement> place(List<Task> pending, ClusterState state) {
        Placement[] out = new Placement[pending.size()];
        Map<GroupKey, Group> groups = new LinkedHashMap<>();
        for (int i = 0; i < pending.size(); i++) {
            Task t = pending.get(i);
            GroupKey key = new GroupKey(t.getServiceId(), t.getSpec(), !t.getNodeId().isEmpty());
            groups.computeIfAbsent(key, k -> new Group()).add(t, i);
        }
        for (var e : groups.entrySet()) {
            if (e.getKey().pinned()) {
                GroupPlacer placer = placer(e.getKey(), state);
                Group g = e.getValue();
                for (int i = 0; i < g.tasks.size(); i++) {
                    out[g.positions.get(i)] = placer.placePinned(g.tasks.get(i));
                }
            }
        }
        int[] order = null;
        for (var e : groups.entrySet()) {
            if (!e.getKey().pinned()) {
                if (order == null) {
                    order = shuffledOrder(state.size());
                }
                Group g = e.getValue();
                placer(e.getKey(), state).place(g.tasks, g.positions, order, out);
            }
        }
        return Arrays.asList(out);
    }

    private GroupPlacer placer(GroupKey key, ClusterState state) {
        Demand demand = Demand.of(key.serviceId(), key.spec(), state.hostPorts(key.serviceId()));
        return new GroupPlacer(state, demand, options);
    }

    private int[] shuffledOrder(int n) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(options.seed());
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
        return order;
    }

    private record GroupKey(String serviceId, TaskSpec spec, boolean pinned) {}

    private static final class Group {
        final List<Task> tasks = new ArrayList<>();
        final List<Integer> positions = new ArrayList<>();

        void add(Task t, int position) {
            tasks.add(t);
            positions.add(position);
        }
    }
}
