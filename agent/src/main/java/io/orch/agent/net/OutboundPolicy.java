package io.orch.agent.net;

import io.orch.api.proto.Network;
import io.orch.runtime.net.overlay.OutboundNat;
import java.util.Collection;
import java.util.Map;

/**
 * Whether a task's traffic to the world outside its node is masqueraded: yes, unless one of its
 * networks was made with {@code -o com.docker.network.bridge.enable_ip_masquerade=false}. One
 * such network is enough: the user asked that its tasks' traffic leave with their own addresses,
 * and a task has one default route (the node bridge), shared by all its networks.
 */
final class OutboundPolicy {
    private OutboundPolicy() {}

    static boolean masquerade(Collection<String> networkIds, Map<String, Network> networks) {
        for (String id : networkIds) {
            Network n = networks.get(id);
            if (n != null && "false".equalsIgnoreCase(n.getSpec().getOptionsOrDefault(OutboundNat.MASQUERADE_OPTION, "").trim())) {
                return false;
            }
        }
        return true;
    }
}
