package io.orch.scheduler;

import io.orch.scheduler.filter.Check;

import java.util.ArrayList;
import java.util.List;

/**
 * Why a task fits nowhere: every node is counted under the first check it fails, in pipeline
 * order, e.g. {@code no suitable node (insufficient memory on 3 nodes; constraint
 * node.labels.zone==eu not met on 2 nodes)}. Costs one scan of the cluster, paid only when a
 * group runs out of nodes (the remaining tasks of the group reuse the sentence).
 */
final class Explanation {
    private Explanation() {}

    static String noSuitableNode(List<Check> checks, Iterable<NodeInfo> nodes) {
        int[] rejected = new int[checks.size()];
        int total = 0;
        for (NodeInfo node : nodes) {
            total++;
            for (int i = 0; i < checks.size(); i++) {
                if (!checks.get(i).test(node)) {
                    rejected[i]++;
                    break;
                }
            }
        }
        if (total == 0) {
            return "no suitable node (no nodes in the cluster)";
        }
        List<String> reasons = new ArrayList<>();
        for (int i = 0; i < checks.size(); i++) {
            if (rejected[i] > 0) {
                reasons.add(checks.get(i).explain(rejected[i]));
            }
        }
        return reasons.isEmpty() ? "no suitable node" : "no suitable node (" + String.join("; ", reasons) + ")";
    }

    static String nodeGone(String nodeId) {
        return "no suitable node (node " + nodeId + " is gone)";
    }
}
