package io.orch.scheduler;

import java.util.Map;
import java.util.TreeMap;

/**
 * The nodes that can still take a task of one batch group, arranged so that a pick costs about
 * O(log n) instead of a scan of the cluster.
 *
 * <p>Placement preferences ({@code spread=node.labels.zone}, nested as in Swarm) make a tree: one
 * level per preference, one branch per label value (nodes without the label share the branch
 * ""). A pick walks from the root to the branch holding the fewest of the service's tasks (ties:
 * the smallest label value), then takes a node from the leaf. In a leaf the nodes sit in buckets
 * keyed by how many of the service's tasks they run (spread) or in one bucket (bin-pack); only
 * the lowest non-empty bucket is looked at, and in it only the first {@code limit} nodes that
 * still fit (Nomad's bounded candidate limit), so the service is spread exactly evenly while the
 * cost of a pick does not grow with the cluster. Nodes with many recent failures of the service
 * sit in a second set of buckets that is used only when the first is empty.
 *
 * <p>Nodes only ever leave the tree or move to a higher bucket during a group (placing a task
 * only uses resources up), so a node found unfit is removed for good and the work of finding it
 * is paid once per group.
 */
final class SpreadTree {
    /** Tests the dynamic checks (resources, ports, replicas per node) of a node by index. */
    interface Fit {
        boolean fits(int node);
    }

    /** Orders candidates of the same bucket: negative when {@code a} is the better node. */
    interface Rank {
        int compare(int a, int b);
    }

    private final Branch root = new Branch(null);
    private final Branch[] leafOf;
    private final Buckets[] bucketsOf;
    private final int[] keyOf;
    private final int[] posOf;
    private final boolean spreadByCount;
    private final int limit;

    SpreadTree(int clusterSize, boolean spreadByCount, int limit) {
        this.leafOf = new Branch[clusterSize];
        this.bucketsOf = new Buckets[clusterSize];
        this.keyOf = new int[clusterSize];
        this.posOf = new int[clusterSize];
        this.spreadByCount = spreadByCount;
        this.limit = Math.max(1, limit);
    }

    /**
     * Adds a node that fits the group. {@code path}: its label value per preference level;
     * {@code serviceTasks}: how many of the service's tasks it runs; {@code penalized}: whether it
     * is ranked after every other node.
     */
    void add(int node, String[] path, int serviceTasks, boolean penalized) {
        Branch b = root;
        for (String value : path) {
            b = b.child(value);
        }
        leafOf[node] = b;
        Buckets buckets = penalized ? b.penalized() : b.preferred();
        bucketsOf[node] = buckets;
        int key = spreadByCount ? serviceTasks : 0;
        keyOf[node] = key;
        buckets.bag(key).add(node, posOf);
        for (Branch up = b; up != null; up = up.parent) {
            up.nodes++;
            up.tasks += serviceTasks;
        }
    }

    boolean isEmpty() {
        return root.nodes == 0;
    }

    /** The best node for the next task, or -1 when no node in the tree fits any more. */
    int pick(Fit fit, Rank rank) {
        while (root.nodes > 0) {
            Branch leaf = root;
            while (leaf.children != null) {
                leaf = leaf.fewestTasks();
            }
            int best = pickIn(leaf.preferred, fit, rank);
            if (best < 0) {
                best = pickIn(leaf.penalized, fit, rank);
            }
            if (best >= 0) {
                return best;
            }
            // every node of that leaf turned out unfit and was removed: walk again
        }
        return -1;
    }

    private int pickIn(Buckets buckets, Fit fit, Rank rank) {
        while (buckets != null && !buckets.isEmpty()) {
            Bag bag = buckets.lowest();
            int best = -1;
            int found = 0;
            int i = 0;
            while (i < bag.size && found < limit) {
                int node = bag.items[i];
                if (!fit.fits(node)) {
                    remove(node); // the last node of the bag moves to i
                    continue;
                }
                if (best < 0 || rank.compare(node, best) < 0) {
                    best = node;
                }
                found++;
                i++;
            }
            if (best >= 0) {
                return best;
            }
        }
        return -1;
    }

    /** Records a task placed on {@code node}; the node stays a candidate only if {@code stillFits}. */
    void placed(int node, boolean stillFits) {
        Branch leaf = leafOf[node];
        for (Branch up = leaf; up != null; up = up.parent) {
            up.tasks++;
        }
        if (!stillFits) {
            remove(node);
        } else if (spreadByCount) {
            Buckets buckets = bucketsOf[node];
            buckets.take(keyOf[node], node, posOf);
            keyOf[node]++;
            buckets.bag(keyOf[node]).add(node, posOf);
        }
    }

    private void remove(int node) {
        Branch leaf = leafOf[node];
        if (leaf == null) {
            return;
        }
        bucketsOf[node].take(keyOf[node], node, posOf);
        leafOf[node] = null;
        bucketsOf[node] = null;
        for (Branch up = leaf; up != null; up = up.parent) {
            up.nodes--;
        }
    }

    private static final class Branch {
        final Branch parent;
        TreeMap<String, Branch> children;
        Buckets preferred;
        Buckets penalized;
        int nodes;
        long tasks;

        Branch(Branch parent) {
            this.parent = parent;
        }

        Branch child(String value) {
            if (children == null) {
                children = new TreeMap<>();
            }
            return children.computeIfAbsent(value, v -> new Branch(this));
        }

        Buckets preferred() {
            return preferred == null ? preferred = new Buckets() : preferred;
        }

        Buckets penalized() {
            return penalized == null ? penalized = new Buckets() : penalized;
        }

        /** The child with nodes left and the fewest of the service's tasks; ties go to the smallest value. */
        Branch fewestTasks() {
            Branch best = null;
            for (Map.Entry<String, Branch> e : children.entrySet()) {
                Branch c = e.getValue();
                if (c.nodes > 0 && (best == null || c.tasks < best.tasks)) {
                    best = c;
                }
            }
            return best;
        }
    }

    /** Bags of nodes keyed by the service's task count; the lowest non-empty one is where picks happen. */
    private static final class Buckets {
        private final TreeMap<Integer, Bag> byKey = new TreeMap<>();

        Bag bag(int key) {
            return byKey.computeIfAbsent(key, k -> new Bag());
        }

        void take(int key, int node, int[] posOf) {
            Bag bag = byKey.get(key);
            bag.remove(node, posOf);
            if (bag.size == 0) {
                byKey.remove(key);
            }
        }

        boolean isEmpty() {
            return byKey.isEmpty();
        }

        Bag lowest() {
            return byKey.firstEntry().getValue();
        }
    }

    /** An unordered set of node indexes with O(1) add and remove (the last item fills the hole). */
    private static final class Bag {
        int[] items = new int[8];
        int size;

        void add(int node, int[] posOf) {
            if (size == items.length) {
                items = java.util.Arrays.copyOf(items, size * 2);
            }
            posOf[node] = size;
            items[size++] = node;
        }

        void remove(int node, int[] posOf) {
            int at = posOf[node];
            int last = items[--size];
            items[at] = last;
            posOf[last] = at;
        }
    }
}
