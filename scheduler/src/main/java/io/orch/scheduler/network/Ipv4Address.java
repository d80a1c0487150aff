package io.orch.scheduler.network;

/** An IPv4 address as its 32 bits (compared unsigned: 255.255.255.255 is the highest). */
public record Ipv4Address(int bits) implements Comparable<Ipv4Address> {

    /** Dotted quad, e.g. {@code 10.0.1.5}; the message names what is wrong, the caller names the field. */
    public static Ipv4Address parse(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException(text + " is not an IPv4 address");
        }
        int bits = 0;
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException(text + " is not an IPv4 address");
            }
            int octet = Integer.parseInt(p);
            if (octet > 255) {
                throw new IllegalArgumentException(text + " is not an IPv4 address");
            }
            bits = (bits << 8) | octet;
        }
        return new Ipv4Address(bits);
    }

    public long unsigned() {
        return Integer.toUnsignedLong(bits);
    }

    @Override
    public int compareTo(Ipv4Address o) {
        return Integer.compareUnsigned(bits, o.bits);
    }

    @Override
    public String toString() {
        return ((bits >>> 24) & 255) + "." + ((bits >>> 16) & 255) + "." + ((bits >>> 8) & 255) + "." + (bits & 255);
    }
}
