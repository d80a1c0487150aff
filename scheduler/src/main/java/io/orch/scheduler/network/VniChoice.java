package io.orch.scheduler.network;

import java.util.Collection;
import java.util.HashSet;
import java.util.OptionalInt;
import java.util.Set;

/** The VXLAN network identifier of a new overlay network. */
public final class VniChoice {
    /** Docker's overlay driver starts at 4097 (below is left to VLAN-sized identifiers). */
    public static final int FIRST = 4097;
    /** VNIs are 24 bits. */
    public static final int LAST = (1 << 24) - 1;

    private VniChoice() {}

    /** The lowest VNI from {@link #FIRST} that no network uses; empty when all 16.7 million are. */
    public static OptionalInt lowestFree(Collection<Integer> used) {
        Set<Integer> taken = new HashSet<>(used);
        for (int vni = FIRST; vni <= LAST; vni++) {
            if (!taken.contains(vni)) {
                return OptionalInt.of(vni);
            }
        }
        return OptionalInt.empty();
    }
}
