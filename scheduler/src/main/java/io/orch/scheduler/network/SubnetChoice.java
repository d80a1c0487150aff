package io.orch.scheduler.network;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** Where a network without a user-given subnet gets its subnet: the cluster's default address pools. */
public final class SubnetChoice {
    private SubnetChoice() {}

    /**
     * The first {@code /subnetSize} of the pools, in pool order then address order, that overlaps
     * none of {@code taken}. First-fit keeps the choice deterministic (every manager replaying the
     * same store picks the same subnet) and packs networks at the start of the pool, as Docker does.
     */
    public static Optional<Ipv4Cidr> firstFree(List<Ipv4Cidr> pools, int subnetSize, Collection<Ipv4Cidr> taken) {
        for (Ipv4Cidr pool : pools) {
            if (subnetSize < pool.prefix() || subnetSize > 32) {
                continue; // the pool cannot hold a subnet of that size at all
            }
            long step = 1L << (32 - subnetSize);
            long end = pool.base().unsigned() + pool.size();
            long at = pool.base().unsigned();
            while (at < end) {
                Ipv4Cidr candidate = new Ipv4Cidr(new Ipv4Address((int) at), subnetSize);
                Ipv4Cidr clash = firstOverlap(candidate, taken);
                if (clash == null) {
                    return Optional.of(candidate);
                }
                // skip past the clashing subnet at once: a /8 pool full of /24s is 65,536 candidates
                long past = clash.base().unsigned() + clash.size();
                at = Math.max(at + step, (past + step - 1) / step * step);
            }
        }
        return Optional.empty();
    }

    /** The first of {@code taken} that overlaps {@code subnet}, or null. */
    public static Ipv4Cidr firstOverlap(Ipv4Cidr subnet, Collection<Ipv4Cidr> taken) {
        for (Ipv4Cidr t : taken) {
            if (t.overlaps(subnet)) {
                return t;
            }
        }
        return null;
    }
}
