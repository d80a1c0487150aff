package io.orch.scheduler.network;

import io.orch.api.proto.EndpointVirtualIP;
import io.orch.api.proto.NetworkAttachment;
import io.orch.api.proto.Node;
import io.orch.api.proto.Service;
import io.orch.api.proto.Task;
import io.orch.api.model.TaskStates;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The addresses in use on each network: every service's VIPs, and the addresses of every task
 * that has not finished. Nothing is ever released explicitly: a task that finished or was
 * deleted simply stops appearing here. (The gateway is held by the {@link AddressPool} itself.)
 */
public final class HeldAddresses {
    private final Map<String, List<Ipv4Address>> byNetwork = new HashMap<>();

    /** Scans everything given: O(tasks). Callers only do it when something needs an address. */
    public static HeldAddresses of(Collection<Service> services, Collection<Task> tasks) {
        return of(services, tasks, java.util.List.of());
    }

    /**
     * As {@link #of(Collection, Collection)}, with the nodes' own addresses (Node.attachments: each
     * node's end of the ingress network), which no task or VIP may get as well.
     */
    public static HeldAddresses of(Collection<Service> services, Collection<Task> tasks, Collection<Node> nodes) {
        HeldAddresses held = new HeldAddresses();
        for (Node n : nodes) {
            for (NetworkAttachment a : n.getAttachmentsList()) {
                for (String addr : a.getAddressesList()) {
                    held.add(a.getNetwork().getId(), addr);
                }
            }
        }
        for (Service s : services) {
            for (EndpointVirtualIP vip : s.getEndpoint().getVirtualIpsList()) {
                held.add(vip.getNetworkId(), vip.getAddr());
            }
        }
        for (Task t : tasks) {
            if (TaskStates.finished(t)) {
                continue;
            }
            for (NetworkAttachment a : t.getNetworksAttachmentsList()) {
                for (String addr : a.getAddressesList()) {
                    held.add(a.getNetwork().getId(), addr);
                }
            }
        }
        return held;
    }

    public static HeldAddresses none() {
        return new HeldAddresses();
    }

    void add(String networkId, String addressWithPrefix) {
        Ipv4Address a = NetworkAllocations.addressOf(addressWithPrefix);
        if (a != null) {
            byNetwork.computeIfAbsent(networkId, k -> new ArrayList<>()).add(a);
        }
    }

    public List<Ipv4Address> on(String networkId) {
        return byNetwork.getOrDefault(networkId, List.of());
    }
}
