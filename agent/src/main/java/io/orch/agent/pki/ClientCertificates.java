package io.orch.agent.pki;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What makes a certificate of the cluster's root CA an API client certificate
 * ({@code orch cert issue}, {@link RootCa#issueClient}), as opposed to a node's: the subject's OU
 * is {@link #OU} (a node's names its role) and its only extended key usage is clientAuth (a
 * node's also allows serverAuth). A node certificate must never drive the API: a worker holds one.
 */
public final class ClientCertificates {
    /** The subject OU of every API client certificate. */
    public static final String OU = "orch-client";
    static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    /** A client name is a CN: Docker's object-name characters, bounded. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    private ClientCertificates() {}

    /** @throws IllegalArgumentException one line naming the field when {@code name} is not a valid client name */
    public static void requireName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("client name is required");
        }
        if (!NAME.matcher(name).matches()) {
            // shown bounded and with control characters replaced: the answer stays one line
            String shown = (name.length() > 64 ? name.substring(0, 64) + "..." : name).replaceAll("\\p{Cntrl}", "?");
            throw new IllegalArgumentException("client name \"" + shown
                    + "\": expected a letter or digit, then letters, digits, '_', '.' or '-' (at most 64 characters)");
        }
    }

    /** A CSR in PEM is a few hundred bytes (an RSA 4096 one about 1.7 KiB): anything this large is not one. */
    public static final int MAX_CSR_PEM_CHARS = 16 * 1024;
    private static final String CSR_BEGIN = "-----BEGIN CERTIFICATE REQUEST-----";
    private static final String CSR_END = "-----END CERTIFICATE REQUEST-----";

    /**
     * The DER of a PEM certificate request (its signature and key are checked when it is signed).
     *
     * @throws IllegalArgumentException one line, when it is missing, too large or not a PEM CSR
     */
    public static byte[] csrDer(String pem) {
        if (pem == null || pem.isBlank()) {
            throw new IllegalArgumentException("CSR is required (a PEM certificate signing request)");
        }
        if (pem.length() > MAX_CSR_PEM_CHARS) {
            throw new IllegalArgumentException("CSR: larger than " + MAX_CSR_PEM_CHARS + " characters, not a certificate signing request");
        }
        String text = pem.strip();
        if (!text.startsWith(CSR_BEGIN) || !text.endsWith(CSR_END)) {
            throw new IllegalArgumentException("CSR: expected one PEM block \"" + CSR_BEGIN + "\"");
        }
        String body = text.substring(CSR_BEGIN.length(), text.length() - CSR_END.length()).replaceAll("\\s", "");
        try {
            return java.util.Base64.getDecoder().decode(body);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("CSR: the PEM block is not valid base64");
        }
    }

    /**
     * Signs {@code csrPem} as an API client certificate named {@code name} (see {@link RootCa#issueClient}).
     *
     * @return the certificate, PEM
     * @throws IllegalArgumentException one line naming what is wrong with the name or the CSR
     */
    public static String issue(RootCa ca, String name, String csrPem, java.time.Duration validity) {
        requireName(name);
        return ca.issueClient(csrDer(csrPem), name, validity);
    }

    /**
     * Why {@code leaf}, a certificate the cluster's CA signed, is not an API client certificate of
     * cluster {@code clusterId}; null when it is one.
     */
    static String whyNotClient(X509Certificate leaf, String clusterId) {
        String ou = Subjects.ou(leaf);
        if (!OU.equals(ou)) {
            return "it is not a client certificate (its OU is \"" + ou + "\", a node's certificate cannot drive the API;"
                    + " issue one with `orch cert issue --client NAME`)";
        }
        if (!clusterId.equals(Subjects.o(leaf))) {
            return "it names another cluster (O=" + Subjects.o(leaf) + ")";
        }
        List<String> usages;
        try {
            usages = leaf.getExtendedKeyUsage();
        } catch (CertificateParsingException e) {
            return "its extended key usage is unreadable";
        }
        if (usages == null || !usages.equals(List.of(CLIENT_AUTH))) {
            return "its extended key usage is not clientAuth alone";
        }
        return null;
    }
}
