package io.orch.agent.manager;

import io.orch.api.proto.Cluster;
import io.orch.api.proto.Network;
import io.orch.api.proto.NetworkSpec;
import io.orch.raft.store.Ids;
import io.orch.raft.store.ReadTx;
import io.orch.raft.store.WriteTx;
import io.orch.scheduler.network.ClusterAddressPools;
import io.orch.scheduler.network.NetworkAllocations;
import io.orch.scheduler.network.NewNetwork;

import java.util.Optional;

/**
 * The routing mesh's network, made with the cluster as Docker makes it: an overlay named
 * "ingress" with Ingress set, its subnet the first free one of the cluster's default pools
 * (10.0.0.0/24 with Swarm's defaults, as Docker's), the lowest free VXLAN id. Services with
 * ingress-mode published ports attach to it; every node has an address on it.
 */
public final class IngressNetwork {
    public static final String NAME = "ingress";
    /** Docker's ingress network's VXLAN id: just below the first one user networks get (4097). */
    public static final int VNI = 4096;

    private IngressNetwork() {}

    /** The default ingress network's spec (Docker labels it with nothing, and no options but the VXLAN id it shows). */
    public static NetworkSpec spec() {
        return NetworkSpec.newBuilder().setName(NAME).setDriver("overlay").setIngress(true).build();
    }

    /** The cluster's ingress network, if it has one. */
    public static Optional<Network> find(ReadTx read) {
        return NetworkAllocations.ingress(read.networks());
    }

    /**
     * Creates the default ingress network in {@code tx}, allocated against the networks the
     * transaction sees and {@code cluster}'s pools, unless there is one or the name is taken by
     * another network. Returns what it created.
     *
     * @param cluster the cluster (possibly being created in the same transaction), or null for Swarm's defaults
     */
    public static Optional<Network> createIn(WriteTx tx, Cluster cluster) {
        ReadTx read = tx.read();
        if (find(read).isPresent() || read.networkByName(NAME).isPresent()) {
            return Optional.empty();
        }
        NewNetwork.Allocation allocation;
        try {
            allocation = NewNetwork.allocate(spec(), read.networks(), ClusterAddressPools.pools(cluster),
                    ClusterAddressPools.subnetSize(cluster));
        } catch (NewNetwork.ExhaustedException e) {
            return Optional.empty(); // the pools are full: services without ingress ports still work
        }
        boolean vniFree = read.networks().stream().noneMatch(n -> n.getVni() == VNI);
        Network n = Network.newBuilder().setId(Ids.newId()).setSpec(spec()).setIpam(allocation.ipam())
                .setVni(vniFree ? VNI : allocation.vni()).build();
        tx.create(n);
        return Optional.of(n);
    }
}
