package io.orch.agent.pki;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;

import javax.net.ssl.KeyManagerFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The TLS of the TCP API (Netty's SslContext, built apart from gRPC's): TLS 1.3 or 1.2 with AEAD suites
 * only, client certificates required and judged by {@link ApiClientTrust}. Serving the node's own
 * certificate, each new connection gets a context built for the certificate held at that moment
 * (as {@link RenewingSslContext} does for gRPC), so a renewed certificate is served from the next
 * connection on, and no client resumes a session begun under the previous one.
 */
public final class ApiTls {
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    /** Forward-secret AEAD suites only; the JDK offers CBC and static-RSA ones under TLS 1.2 too. */
    static final List<String> CIPHERS = List.of(
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    private record Built(NodeCredentials credentials, SslContext context) {}

    private final ApiTlsSettings settings;
    private final LiveCredentials node;
    private volatile Built built;

    private ApiTls(ApiTlsSettings settings, LiveCredentials node) {
        this.settings = settings;
        this.node = node;
        NodeCredentials now = node == null ? null : node.current();
        this.built = new Built(now, build(now));
    }

    /**
     * @param node the node's credentials, or null for a node in no swarm
     * @throws IllegalStateException if the settings need the node's credentials and there are none
     * @throws IllegalArgumentException if a file of the settings is bad (naming its flag)
     */
    public static ApiTls of(ApiTlsSettings settings, LiveCredentials node) {
        if (settings.needsClusterCredentials() && node == null) {
            throw new IllegalStateException("this node is in no swarm yet, so it has no "
                    + (settings.servesNodeCertificate() ? "node certificate to serve" : "cluster CA to trust clients of"));
        }
        return new ApiTls(settings, node);
    }

    /** The TLS handler of one new connection. */
    public SslHandler newHandler(ByteBufAllocator alloc) {
        return current().newHandler(alloc);
    }

    private SslContext current() {
        if (node == null) {
            return built.context();
        }
        NodeCredentials now = node.current();
        Built b = built;
        if (b.credentials() != now) {
            synchronized (this) {
                b = built;
                if (b.credentials() != now) {
                    b = new Built(now, build(now));
                    built = b;
                }
            }
        }
        return b.context();
    }

    private SslContext build(NodeCredentials credentials) {
        // the cluster's roots: one, or the old and the new during a root rotation
        List<X509Certificate> anchors = settings.caFile() != null ? settings.caCertificates() : credentials.trustedRoots();
        ApiClientTrust trust = credentials == null ? new ApiClientTrust(anchors, List.of(), null)
                : new ApiClientTrust(anchors, credentials.trustedRoots(), credentials.clusterId());
        KeyManagerFactory keys = settings.servesNodeCertificate() ? credentials.keyManagerFactory() : fileKeys();
        return TlsContexts.jdkServer(keys, trust, ClientAuth.REQUIRE, PROTOCOLS, CIPHERS, ApplicationProtocolConfig.DISABLED);
    }

    private KeyManagerFactory fileKeys() {
        List<X509Certificate> chain = settings.certificateChain();
        PrivateKey key = settings.key();
        if (!Keys.matches(key, chain.get(0).getPublicKey())) {
            throw new IllegalArgumentException("--tlskey " + settings.keyFile() + ": the key does not belong to the certificate in --tlscert");
        }
        try {
            char[] password = new char[0];
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("api", key, password, chain.toArray(X509Certificate[]::new));
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(store, password);
            return factory;
        } catch (GeneralSecurityException | java.io.IOException e) {
            // no cause message: it could describe the key
            throw new IllegalStateException("cannot build the API's key manager from --tlscert/--tlskey");
        }
    }

    /**
     * Why a client dialling {@code host} would refuse the node certificate this serves (it names
     * neither that IP address nor that DNS name), or null when it names it, when the host is a
     * wildcard, or when the served certificate is the flags' own ({@code --tlscert}).
     */
    public String hostNotNamed(String host) {
        if (!settings.servesNodeCertificate() || host.equals("0.0.0.0") || host.equals("::")) {
            return null;
        }
        X509Certificate served = node.current().certificate();
        try {
            java.util.Collection<List<?>> names = served.getSubjectAlternativeNames();
            if (names != null) {
                for (List<?> name : names) {
                    Object value = name.get(1);
                    if (value instanceof String s && (s.equalsIgnoreCase(host) || sameAddress(s, host))) {
                        return null;
                    }
                }
            }
        } catch (java.security.cert.CertificateParsingException e) {
            // unreadable names: say so below
        }
        return "--api-addr " + host + ": the node certificate served with --tlsverify does not name this address "
                + "(it names the advertise address), so clients that dial it and verify the server (docker --tlsverify) will "
                + "refuse it; dial the advertise address, or serve your own certificate with --tlscert/--tlskey";
    }

    private static boolean sameAddress(String a, String b) {
        try {
            // literals only: InetAddress would look a host name up in the DNS
            return isIpLiteral(a) && isIpLiteral(b)
                    && InetAddress.getByName(a).equals(InetAddress.getByName(b));
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static final Pattern IPV4 =
            Pattern.compile("(25[0-5]|2[0-4][0-9]|[01]?[0-9]{1,2})(\\.(25[0-5]|2[0-4][0-9]|[01]?[0-9]{1,2})){3}");
    private static final Pattern IPV6_CHARACTERS = Pattern.compile("[0-9A-Fa-f:.]+");

    /**
     * A dotted-quad IPv4 address or an IPv6 address (no zone), as a SAN's iPAddress is written. An
     * IPv6 literal contains a ':', which the JDK never takes for a host name, so parsing it does no
     * DNS look-up; an IPv4 literal is matched here because the JDK also takes "10.1" for an address.
     */
    static boolean isIpLiteral(String s) {
        if (IPV4.matcher(s).matches()) {
            return true;
        }
        if (!s.contains(":") || !IPV6_CHARACTERS.matcher(s).matches()) {
            return false;
        }
        try {
            InetAddress.getByName(s);
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "ApiTls[" + settings + "]";
    }
}
