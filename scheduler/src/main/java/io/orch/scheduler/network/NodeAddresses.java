package io.orch.scheduler.network;

import io.orch.api.proto.Network;
import io.orch.api.proto.NetworkAttachment;
import io.orch.api.proto.Node;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Every node's own address on the ingress network (Node.attachments, as swarmkit's
 * Node.Attachments): the routing mesh sends published-port traffic from it to a task on any
 * node, so the reply comes back through the node that took the connection. Pure, like
 * {@link NetworkPlanner}: the caller writes the changed nodes and the moved network back
 * version-checked in one transaction, which is what keeps a node's address and a task's apart
 * when both are allocated at once.
 *
 * <p>A node keeps its address for as long as it is in the store; a removed node's address comes
 * free because it no longer appears among the held addresses. Attachments on a network that is
 * no longer the ingress network (an ingress network removed, or replaced by a new one) are dropped.
 */
public final class NodeAddresses {
    private NodeAddresses() {}

    /**
     * @param nodes    the nodes whose attachments changed (each to be written back)
     * @param network  the ingress network with its moved cursor, when an address was handed out
     * @param waiting  how many nodes still have no address (the network is full)
     */
    public record Plan(List<Node> nodes, Optional<Network> network, int waiting) {}

    /** True when {@link #plan} would change a node: the cheap test that avoids the task scan. */
    public static boolean needsWork(Optional<Network> ingress, Collection<Node> nodes) {
        return nodes.stream().anyMatch(n -> !settled(ingress, n));
    }

    public static Plan plan(Optional<Network> ingress, Collection<Node> nodes, Supplier<HeldAddresses> held) {
        List<Node> changed = new ArrayList<>();
        AddressPool pool = null;
        int waiting = 0;
        for (Node n : nodes) {
            if (settled(ingress, n)) {
                continue;
            }
            Node.Builder b = n.toBuilder().clearAttachments();
            if (ingress.isPresent()) {
                Network network = ingress.get();
                if (pool == null) {
                    pool = NetworkAllocations.pool(network).orElseThrow();
                    held.get().on(network.getId()).forEach(pool::hold);
                }
                Optional<Ipv4Address> a = pool.next();
                if (a.isEmpty()) {
                    waiting++;
                } else {
                    b.addAttachments(NetworkAttachment.newBuilder().setNetwork(network)
                            .addAddresses(pool.subnet().withPrefix(a.get())));
                }
            }
            Node next = b.build();
            if (!next.equals(n)) {
                changed.add(next); // a node still waiting, with nothing to drop, is not rewritten
            }
        }
        Optional<Network> moved = Optional.empty();
        if (pool != null && pool.cursor() != ingress.get().getAllocationCursor()) {
            moved = Optional.of(ingress.get().toBuilder().setAllocationCursor(pool.cursor()).build());
        }
        return new Plan(changed, moved, waiting);
    }

    /** The node's ingress address, if it has one on this ingress network. */
    public static Optional<String> address(Node node, Network ingress) {
        return node.getAttachmentsList().stream()
                .filter(a -> a.getNetwork().getId().equals(ingress.getId()) && a.getAddressesCount() > 0)
                .map(a -> a.getAddresses(0)).findFirst();
    }

    /** Exactly one attachment, on the ingress network, inside its subnet; or none when there is no ingress network. */
    private static boolean settled(Optional<Network> ingress, Node n) {
        if (ingress.isEmpty()) {
            return n.getAttachmentsCount() == 0;
        }
        if (n.getAttachmentsCount() != 1) {
            return false;
        }
        Optional<String> addr = address(n, ingress.get());
        if (addr.isEmpty()) {
            return false;
        }
        Ipv4Address a = NetworkAllocations.addressOf(addr.get());
        return a != null && NetworkAllocations.subnet(ingress.get()).map(s -> s.contains(a)).orElse(false);
    }
}
