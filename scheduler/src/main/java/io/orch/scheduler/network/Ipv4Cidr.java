package io.orch.scheduler.network;

/**
 * An IPv4 prefix such as {@code 10.0.1.0/24}. Always normalised: {@link #base()} has no host
 * bits, so two spellings of one subnet are equal. Offsets are positions inside the prefix
 * (0 is the network address, {@code size() - 1} the broadcast address).
 */
public record Ipv4Cidr(Ipv4Address base, int prefix) {
    public Ipv4Cidr {
        if (prefix < 0 || prefix > 32) {
            throw new IllegalArgumentException("prefix length " + prefix + " is not between 0 and 32");
        }
        if ((base.bits() & ~mask(prefix)) != 0) {
            throw new IllegalArgumentException(base + "/" + prefix + " has host bits set (did you mean "
                    + new Ipv4Address(base.bits() & mask(prefix)) + "/" + prefix + "?)");
        }
    }

    /**
     * {@code A.B.C.D/N}. Host bits set (10.0.1.5/24) are refused rather than silently masked:
     * Docker refuses them too, and a user who typed one most likely meant something else.
     */
    public static Ipv4Cidr parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException(text + " is not an IPv4 CIDR (A.B.C.D/N)");
        }
        Ipv4Address base;
        int prefix;
        try {
            base = Ipv4Address.parse(text.substring(0, slash));
            String p = text.substring(slash + 1);
            if (p.isEmpty() || p.length() > 2 || !p.chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException();
            }
            prefix = Integer.parseInt(p);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(text + " is not an IPv4 CIDR (A.B.C.D/N)");
        }
        if (prefix > 32) {
            throw new IllegalArgumentException(text + " is not an IPv4 CIDR (A.B.C.D/N)");
        }
        return new Ipv4Cidr(base, prefix);
    }

    static int mask(int prefix) {
        return prefix == 0 ? 0 : -1 << (32 - prefix);
    }

    /** How many addresses the prefix spans (2^(32-prefix)). */
    public long size() {
        return 1L << (32 - prefix);
    }

    public Ipv4Address last() {
        return new Ipv4Address((int) (base.unsigned() + size() - 1));
    }

    public boolean contains(Ipv4Address a) {
        return (a.bits() & mask(prefix)) == base.bits();
    }

    /** This prefix lies wholly inside {@code outer}. */
    public boolean within(Ipv4Cidr outer) {
        return prefix >= outer.prefix && outer.contains(base);
    }

    /** Two prefixes overlap exactly when one contains the other. */
    public boolean overlaps(Ipv4Cidr other) {
        return within(other) || other.within(this);
    }

    public Ipv4Address addressAt(long offset) {
        if (offset < 0 || offset >= size()) {
            throw new IllegalArgumentException("offset " + offset + " is outside " + this);
        }
        return new Ipv4Address((int) (base.unsigned() + offset));
    }

    public long offsetOf(Ipv4Address a) {
        if (!contains(a)) {
            throw new IllegalArgumentException(a + " is outside " + this);
        }
        return a.unsigned() - base.unsigned();
    }

    /** An address of this subnet written as interfaces carry it: {@code 10.0.1.5/24}. */
    public String withPrefix(Ipv4Address a) {
        return a + "/" + prefix;
    }

    @Override
    public String toString() {
        return base + "/" + prefix;
    }
}
