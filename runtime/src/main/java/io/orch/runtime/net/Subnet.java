package io.orch.runtime.net;

/**
 * An IPv4 subnet in CIDR form ("10.212.3.0/24"): its network, gateway (the first host address,
 * which the node's bridge holds) and broadcast addresses, and how to carve smaller subnets
 * out of it. Addresses are unsigned 32-bit values held in an int.
 */
public record Subnet(int network, int prefix) {

    public Subnet {
        if (prefix < 8 || prefix > 30) {
            throw new IllegalArgumentException("subnet " + format(network) + "/" + prefix
                    + " has a prefix length out of range (/8 to /30)");
        }
        if ((network & ~mask(prefix)) != 0) {
            throw new IllegalArgumentException("subnet " + format(network) + "/" + prefix + " has host bits set");
        }
    }

    /** Parses "a.b.c.d/n"; the message names what is wrong. */
    public static Subnet parse(String cidr) {
        String[] parts = cidr == null ? new String[0] : cidr.trim().split("/");
        if (parts.length != 2) {
            throw new IllegalArgumentException("subnet " + cidr + " is not in CIDR form (a.b.c.d/n)");
        }
        int prefix;
        try {
            prefix = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("subnet " + cidr + " has no numeric prefix length");
        }
        return new Subnet(parseAddress(parts[0]), prefix);
    }

    /** "10.0.1.5" → its int form; the message names what is wrong. */
    public static int parseAddress(String dotted) {
        String[] octets = dotted == null ? new String[0] : dotted.split("\\.", -1);
        if (octets.length != 4) {
            throw new IllegalArgumentException("address " + dotted + " is not a dotted IPv4 address");
        }
        int value = 0;
        for (String o : octets) {
            int n;
            try {
                n = Integer.parseInt(o);
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n < 0 || n > 255) {
                throw new IllegalArgumentException("address " + dotted + " is not a dotted IPv4 address");
            }
            value = (value << 8) | n;
        }
        return value;
    }

    public static String format(int address) {
        return (address >>> 24) + "." + ((address >>> 16) & 0xff) + "." + ((address >>> 8) & 0xff) + "." + (address & 0xff);
    }

    private static int mask(int prefix) {
        return prefix == 0 ? 0 : -1 << (32 - prefix);
    }

    /** Number of addresses in the subnet, network and broadcast included. */
    public long size() {
        return 1L << (32 - prefix);
    }

    public int broadcast() {
        return network | ~mask(prefix);
    }

    /** The first host address; the bridge holds it and containers route through it. */
    public int gateway() {
        return network + 1;
    }

    public boolean contains(int address) {
        return (address & mask(prefix)) == network;
    }

    /** Addresses a container may get: every host address but the gateway. */
    public boolean assignable(int address) {
        return contains(address) && address != network && address != broadcast() && address != gateway();
    }

    /** The {@code index}-th subnet of length {@code childPrefix} inside this one. */
    public Subnet child(int childPrefix, long index) {
        if (childPrefix < prefix) {
            throw new IllegalArgumentException("/" + childPrefix + " does not fit in " + this);
        }
        long count = 1L << (childPrefix - prefix);
        if (index < 0 || index >= count) {
            throw new IllegalArgumentException(this + " has no /" + childPrefix + " number " + index);
        }
        return new Subnet((int) (network + index * (1L << (32 - childPrefix))), childPrefix);
    }

    /** How many subnets of length {@code childPrefix} fit in this one. */
    public long childCount(int childPrefix) {
        return childPrefix < prefix ? 0 : 1L << (childPrefix - prefix);
    }

    /** "gateway/prefix", the form {@code ip addr add} takes for the bridge. */
    public String gatewayCidr() {
        return format(gateway()) + "/" + prefix;
    }

    @Override
    public String toString() {
        return format(network) + "/" + prefix;
    }
}
