package io.orch.agent.pki;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * The PEM armour of a sealed node key: {@code -----BEGIN ORCH ENCRYPTED PRIVATE KEY-----}, the
 * sealed bytes in base64 (64 columns), the END line. orch's own type on purpose: the body is not a
 * PKCS#8 EncryptedPrivateKeyInfo, and a tool that expects one should say so rather than misread it.
 */
public final class SealedPem {
    static final String TYPE = "ORCH ENCRYPTED PRIVATE KEY";
    private static final String BEGIN = "-----BEGIN " + TYPE + "-----";
    private static final String END = "-----END " + TYPE + "-----";

    private SealedPem() {
    }

    public static boolean isSealed(String text) {
        return text != null && text.strip().startsWith(BEGIN);
    }

    public static String armour(byte[] sealed) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(sealed);
        return BEGIN + "\n" + body + "\n" + END + "\n";
    }

    /** The sealed bytes; empty when {@code text} is not this armour or its body is not base64. */
    public static Optional<byte[]> unarmour(String text) {
        String t = text == null ? "" : text.strip();
        if (!t.startsWith(BEGIN) || !t.endsWith(END)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Base64.getMimeDecoder().decode(t.substring(BEGIN.length(), t.length() - END.length())));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
