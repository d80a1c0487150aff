package io.orch.runtime.net.overlay;

/** Dotted IPv4 text to the int form {@link io.orch.runtime.net.Subnet} uses (its parser is not public). */
final class Addresses {
    private Addresses() {}

    static int parse(String dotted) {
        String[] octets = dotted == null ? new String[0] : dotted.split("\\.", -1);
        if (octets.length != 4) {
            throw new IllegalArgumentException("address " + dotted + " is not a dotted IPv4 address");
        }
        int value = 0;
        for (String o : octets) {
            int n = -1;
            if (!o.isEmpty() && o.length() <= 3 && o.chars().allMatch(Character::isDigit)) {
                n = Integer.parseInt(o);
            }
            if (n < 0 || n > 255) {
                throw new IllegalArgumentException("address " + dotted + " is not a dotted IPv4 address");
            }
            value = (value << 8) | n;
        }
        return value;
    }
}
