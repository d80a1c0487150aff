package io.orch.scheduler.network;

import java.util.BitSet;
import java.util.Optional;

/**
 * The addresses of one network's subnet, as far as one allocating transaction is concerned:
 * which are held (by a task, a VIP, the gateway) and where the last one was handed out.
 *
 * <p>Never handed out: the network address, the broadcast address, the gateway, and (when the
 * network has an IP range) anything outside the range. {@link #next()} hands out the first free
 * address after the cursor, wrapping around once: a freed address therefore goes back to the
 * end of the queue instead of being handed to the very next task, so a lingering peer that still
 * talks to a task that just stopped does not reach its successor by mistake.
 */
public final class AddressPool {
    private final Ipv4Cidr subnet;
    private final Ipv4Address gateway;
    /** Inclusive offsets tasks and VIPs may get (the range, minus network and broadcast). */
    private final long low;
    private final long high;
    /** Offsets held; the gateway's is set from the start. */
    private final BitSet held = new BitSet();
    private long cursor;

    /**
     * @param range  restricts task and VIP addresses (the network's --ip-range), or null for the whole subnet
     * @param cursor the offset of the address handed out last
     */
    public AddressPool(Ipv4Cidr subnet, Ipv4Address gateway, Ipv4Cidr range, long cursor) {
        if (!subnet.contains(gateway)) {
            throw new IllegalArgumentException("gateway " + gateway + " is outside " + subnet);
        }
        if (range != null && !range.within(subnet)) {
            throw new IllegalArgumentException("range " + range + " is outside " + subnet);
        }
        this.subnet = subnet;
        this.gateway = gateway;
        // a /31 or /32 has no network/broadcast pair to avoid, but it has no room for a gateway
        // and a task either; Networks.validate refuses them, the bounds here only stay sane
        long first = 1;
        long last = subnet.size() - 2;
        if (range != null) {
            first = Math.max(first, subnet.offsetOf(range.base()));
            last = Math.min(last, subnet.offsetOf(range.last()));
        }
        this.low = first;
        this.high = last;
        this.cursor = cursor;
        held.set(Math.toIntExact(subnet.offsetOf(gateway)));
    }

    public Ipv4Cidr subnet() {
        return subnet;
    }

    public Ipv4Address gateway() {
        return gateway;
    }

    public long cursor() {
        return cursor;
    }

    /** Marks an address as taken (an existing task's or VIP's); false if it is not in the subnet. */
    public boolean hold(Ipv4Address a) {
        if (!subnet.contains(a)) {
            return false;
        }
        held.set(Math.toIntExact(subnet.offsetOf(a)));
        return true;
    }

    public boolean isHeld(Ipv4Address a) {
        return subnet.contains(a) && held.get(Math.toIntExact(subnet.offsetOf(a)));
    }

    /**
     * Takes the first free address after the cursor (wrapping once around the allowed offsets)
     * and moves the cursor to it; empty when every allowed address is held.
     */
    public Optional<Ipv4Address> next() {
        if (low > high) {
            return Optional.empty();
        }
        long start = cursor >= low && cursor < high ? cursor + 1 : low;
        long found = firstFree(start, high);
        if (found < 0) {
            found = firstFree(low, start - 1);
        }
        if (found < 0) {
            return Optional.empty();
        }
        held.set((int) found);
        cursor = found;
        return Optional.of(subnet.addressAt(found));
    }

    private long firstFree(long from, long to) {
        if (from > to) {
            return -1;
        }
        int free = held.nextClearBit((int) from);
        return free <= to ? free : -1;
    }

    /** The line a task that could not get an address carries in its status. */
    public String fullMessage(String networkName) {
        return NetworkPlanner.NO_ADDRESS + " on network " + networkName + " (subnet " + subnet + " is full)";
    }
}
