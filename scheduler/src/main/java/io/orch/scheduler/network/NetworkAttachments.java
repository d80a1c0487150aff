package io.orch.scheduler.network;

import io.orch.api.proto.Network;
import io.orch.api.proto.NetworkAttachment;
import io.orch.api.proto.NetworkAttachmentConfig;
import io.orch.api.proto.Task;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Whether a task has the addresses its spec's networks call for. */
public final class NetworkAttachments {
    private NetworkAttachments() {}

    /**
     * The allocated networks the task's spec names on which it has no address yet. A task
     * started with some of these missing would run without its address, unreachable on that
     * network: the scheduler does not place it. Networks that do not exist, or that the
     * managers do not allocate (e.g. "host"), are not missing: they get no attachment at all.
     */
    public static List<Network> missing(Task task, Map<String, Network> networks) {
        List<Network> out = new ArrayList<>();
        for (String id : targets(configs(task, networks))) {
            Network n = networks.get(id);
            if (n != null && NetworkAllocations.allocated(n) && !hasAddressOn(task, id)) {
                out.add(n);
            }
        }
        return out;
    }

    /**
     * The networks the task attaches to: its spec's, and the ingress network when the endpoint
     * it was built from publishes a port in ingress mode. As in swarmkit, the ingress network is
     * not written into the service's spec: it follows from the published ports, so it comes and
     * goes with them (and never shows in {@code docker service inspect}'s Networks).
     */
    public static List<NetworkAttachmentConfig> configs(Task task, Map<String, Network> networks) {
        List<NetworkAttachmentConfig> out = new ArrayList<>(task.getSpec().getNetworksList());
        if (IngressPorts.needsIngress(task.getEndpoint().getSpec())) {
            NetworkAllocations.ingress(networks.values()).ifPresent(n -> {
                if (out.stream().noneMatch(c -> c.getTarget().equals(n.getId()))) {
                    out.add(NetworkAttachmentConfig.newBuilder().setTarget(n.getId()).build());
                }
            });
        }
        return out;
    }

    static boolean hasAddressOn(Task task, String networkId) {
        for (NetworkAttachment a : task.getNetworksAttachmentsList()) {
            if (a.getNetwork().getId().equals(networkId) && a.getAddressesCount() > 0) {
                return true;
            }
        }
        return false;
    }

    /** The distinct network ids named, in order. */
    static Set<String> targets(List<NetworkAttachmentConfig> configs) {
        Set<String> ids = new LinkedHashSet<>();
        configs.forEach(c -> ids.add(c.getTarget()));
        return ids;
    }
}
