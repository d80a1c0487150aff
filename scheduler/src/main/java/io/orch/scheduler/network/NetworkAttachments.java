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
        for (String id : targets(task.getSpec().getNetworksList())) {
            Network n = networks.get(id);
            if (n != null && NetworkAllocations.allocated(n) && !hasAddressOn(task, id)) {
                out.add(n);
            }
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
