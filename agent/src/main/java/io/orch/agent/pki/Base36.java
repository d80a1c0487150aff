package io.orch.agent.pki;

import java.math.BigInteger;

/** Lower-case base 36, left-padded with zeros: how Swarm writes both parts of a join token. */
final class Base36 {
    private Base36() {}

    static String padded(BigInteger value, int length) {
        String digits = value.toString(36);
        if (digits.length() > length) {
            throw new IllegalArgumentException("value does not fit in " + length + " base-36 digits");
        }
        return "0".repeat(length - digits.length()) + digits;
    }

    static boolean isBase36(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'))) {
                return false;
            }
        }
        return true;
    }
}
