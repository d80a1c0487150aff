package io.orch.agent.pki;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a node proves itself with: its private key, its certificate (CN = node id, OU = role,
 * O = cluster id), the intermediate it is sent with during a root CA rotation (the new root
 * cross-signed by the old one), and the root CAs it trusts: the cluster's root, and during a
 * rotation both the old and the new. Saved as PEM files under DATA/certificates ({@code node.key}
 * 0600, sealed under the unlock key on an autolocked manager ({@link NodeKeyCodec}), {@code node.crt}:
 * the certificate and its intermediate, {@code ca.crt}: the trusted roots).
 * Builds the javax.net.ssl managers and the gRPC TLS contexts. The key is never in
 * {@link #toString()} or in an exception message.
 */
public final class NodeCredentials {
    public static final String DIRECTORY = "certificates";
    public static final String KEY_FILE = "node.key";
    static final String CERT_FILE = "node.crt";
    static final String CA_FILE = "ca.crt";
    /** Suffix of the files a save writes before it moves them over the old ones. */
    static final String NEXT = ".new";

    private final PrivateKey key;
    private final X509Certificate certificate;
    private final List<X509Certificate> intermediates;
    private final List<X509Certificate> trustedRoots;
    private final PublicKey issuerKey;
    private final String nodeId;
    private final NodeRole role;
    private final String clusterId;

    private NodeCredentials(PrivateKey key, X509Certificate certificate, List<X509Certificate> intermediates,
                            List<X509Certificate> trustedRoots, PublicKey issuerKey) {
        this.key = key;
        this.certificate = certificate;
        this.intermediates = List.copyOf(intermediates);
        this.trustedRoots = List.copyOf(trustedRoots);
        this.issuerKey = issuerKey;
        this.nodeId = Subjects.cn(certificate);
        this.role = NodeRole.fromOu(Subjects.ou(certificate));
        this.clusterId = Subjects.o(certificate);
    }

    /** A new key and CSR, to send to a manager ({@code NodeCsr.complete} then makes the credentials). */
    public static NodeCsr generateCsr() {
        return NodeCsr.generate();
    }

    /**
     * Issues credentials directly from the CA held here: for the node that creates the cluster,
     * which is its own CA.
     */
    public static NodeCredentials selfIssued(RootCa ca, String nodeId, NodeRole role, List<String> ipOrDnsSans) {
        NodeCsr csr = NodeCsr.generate();
        return csr.complete(ca.issue(csr.csrDer(), nodeId, role, ipOrDnsSans), ca.certPem());
    }

    /**
     * @param chainPem the node certificate, then the intermediates it is sent with (none outside a rotation)
     * @param rootsPem the root CAs to trust (one, or two during a rotation)
     * @throws IllegalArgumentException if a PEM is bad, the certificate does not chain to one of
     *     the roots (directly or through its intermediate), or the key is not the certificate's
     */
    static NodeCredentials of(PrivateKey key, String chainPem, String rootsPem) {
        List<X509Certificate> chain = Pem.parseCertificates(chainPem, "node certificate");
        List<X509Certificate> roots = Pem.parseCertificates(rootsPem, "CA certificate");
        return of(key, chain.get(0), chain.subList(1, chain.size()), roots);
    }

    private static NodeCredentials of(PrivateKey key, X509Certificate certificate, List<X509Certificate> intermediates,
                                      List<X509Certificate> roots) {
        PublicKey issuerKey = CertificateChains.issuerKey(certificate, intermediates, roots)
                .orElseThrow(() -> new IllegalArgumentException("node certificate is not signed by the CA certificate"));
        if (!Keys.matches(key, certificate.getPublicKey())) {
            throw new IllegalArgumentException("node key does not belong to the node certificate");
        }
        if (Subjects.cn(certificate).isEmpty() || Subjects.o(certificate).isEmpty()) {
            throw new IllegalArgumentException("node certificate has no node id (CN) or cluster id (O)");
        }
        return new NodeCredentials(key, certificate, intermediates, roots, issuerKey);
    }

    /**
     * The same key and certificate under other trust: {@code roots} from now on, and the
     * intermediates only if {@code withIntermediates} (a rotation is under way: peers that trust
     * only the old root need them).
     *
     * @throws IllegalArgumentException if the certificate does not chain to one of {@code roots}
     */
    public NodeCredentials withTrust(List<X509Certificate> roots, boolean withIntermediates) {
        return of(key, certificate, withIntermediates ? intermediates : List.of(), roots);
    }

    /** DATA/certificates. */
    public static Path directoryIn(Path dataDir) {
        return dataDir.resolve(DIRECTORY);
    }

    /**
     * Writes the three PEM files into {@code dir} (created if missing). The key and certificate
     * are replaced as a pair: both are written beside the old ones first ({@code .new}, synced),
     * then moved over them, the key first; {@link #load} finishes or undoes a save that a crash
     * cut short, so a renewal never leaves a key with another key's certificate. The key is
     * created 0600 before any byte of it is written.
     */
    public void save(Path dir) throws IOException {
        save(dir, NodeKeyCodec.CLEAR);
    }

    /**
     * The same, with the key written as {@code keyCodec} encodes it (sealed on an autolocked
     * manager): the file's final form is the only one ever written, so no clear copy of a sealed
     * key is left on disk, not even in a temporary file.
     */
    public void save(Path dir, NodeKeyCodec keyCodec) throws IOException {
        Files.createDirectories(dir);
        Path keyNext = write(dir, KEY_FILE + NEXT, keyCodec.encode(Pem.privateKey(key)), true);
        Path certNext = write(dir, CERT_FILE + NEXT, chainPem(), false);
        move(write(dir, CA_FILE + NEXT, trustedRootsPem(), false), dir.resolve(CA_FILE));
        move(keyNext, dir.resolve(KEY_FILE));
        // from here a crash leaves node.crt.new, which load() moves into place
        move(certNext, dir.resolve(CERT_FILE));
        syncDirectory(dir);
    }

    private static Path write(Path dir, String name, String content, boolean secret) throws IOException {
        Path tmp = dir.resolve(name);
        Files.deleteIfExists(tmp);
        if (secret) {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(tmp);
        }
        Files.writeString(tmp, content, StandardCharsets.US_ASCII);
        try (var channel = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        return tmp;
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** So that the renames survive a power cut (where the file system lets a directory be synced). */
    private static void syncDirectory(Path dir) {
        try (var channel = java.nio.channels.FileChannel.open(dir, java.nio.file.StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // not every file system syncs directories; the files themselves are synced
        }
    }

    /**
     * A save cut short: before the key was moved the old pair is whole (the new files go); after
     * it, the new certificate is moved in to join its key.
     */
    private static void finishInterruptedSave(Path dir) throws IOException {
        if (Files.exists(dir.resolve(KEY_FILE + NEXT))) {
            Files.deleteIfExists(dir.resolve(KEY_FILE + NEXT));
            Files.deleteIfExists(dir.resolve(CERT_FILE + NEXT));
        } else if (Files.exists(dir.resolve(CERT_FILE + NEXT))) {
            move(dir.resolve(CERT_FILE + NEXT), dir.resolve(CERT_FILE));
        }
        Files.deleteIfExists(dir.resolve(CA_FILE + NEXT));
    }

    /**
     * The credentials saved in {@code dir}; empty if none of the files is there (the node has not
     * joined yet).
     *
     * @throws IOException naming the file if only some are there or one is damaged
     */
    public static Optional<NodeCredentials> load(Path dir) throws IOException {
        return load(dir, NodeKeyCodec.CLEAR);
    }

    /**
     * The same, with the key read through {@code keyCodec} (an autolocked manager's is sealed).
     *
     * @throws IOException naming the key file when {@code keyCodec} cannot open it
     */
    public static Optional<NodeCredentials> load(Path dir, NodeKeyCodec keyCodec) throws IOException {
        Path keyFile = dir.resolve(KEY_FILE);
        Path certFile = dir.resolve(CERT_FILE);
        Path caFile = dir.resolve(CA_FILE);
        if (Files.isDirectory(dir)) {
            finishInterruptedSave(dir);
        }
        boolean any = Files.exists(keyFile) || Files.exists(certFile) || Files.exists(caFile);
        if (!any) {
            return Optional.empty();
        }
        for (Path p : new Path[] {keyFile, certFile, caFile}) {
            if (!Files.exists(p)) {
                throw new IOException(p + " is missing (the other node credential files are there)");
            }
        }
        PrivateKey key;
        try {
            key = Pem.parsePrivateKey(keyCodec.decode(Files.readString(keyFile, StandardCharsets.US_ASCII)), "node key");
        } catch (NodeKeyCodec.Unreadable e) {
            throw new IOException(keyFile + ": " + e.getMessage());
        } catch (IllegalArgumentException | IOException e) {
            throw new IOException(keyFile + " is damaged: " + (e instanceof IllegalArgumentException ? e.getMessage() : "unreadable"));
        }
        try {
            return Optional.of(of(key, Files.readString(certFile, StandardCharsets.US_ASCII), Files.readString(caFile, StandardCharsets.US_ASCII)));
        } catch (IllegalArgumentException e) {
            throw new IOException("the node credentials in " + dir + " are damaged: " + e.getMessage());
        }
    }

    public String nodeId() {
        return nodeId;
    }

    public NodeRole role() {
        return role;
    }

    public String clusterId() {
        return clusterId;
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** The root CAs this node trusts: one, or the old and the new during a rotation. */
    public List<X509Certificate> trustedRoots() {
        return trustedRoots;
    }

    /** The intermediates sent with the certificate (the cross-signed new root during a rotation). */
    public List<X509Certificate> intermediates() {
        return intermediates;
    }

    /** The public key that signed this node's certificate (a root's, or a rotation's new root's). */
    public PublicKey issuerPublicKey() {
        return issuerKey;
    }

    /** Whether any of {@code roots} is one this node trusts. */
    public boolean trustsAnyOf(List<X509Certificate> roots) {
        return roots.stream().anyMatch(trustedRoots::contains);
    }

    public String certPem() {
        return Pem.certificate(certificate);
    }

    /** The certificate and its intermediates, as node.crt holds them. */
    public String chainPem() {
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(certificate);
        chain.addAll(intermediates);
        return Pem.certificates(chain);
    }

    /** The trusted roots, PEM, as ca.crt holds them (Docker's TLSInfo.TrustRoot). */
    public String trustedRootsPem() {
        return Pem.certificates(trustedRoots);
    }

    public Instant notAfter() {
        return certificate.getNotAfter().toInstant();
    }

    /** When the certificate was issued and until when it is valid. */
    public CertificateLifetime lifetime() {
        return CertificateLifetime.of(certificate);
    }

    /** Whether the certificate is no longer valid at {@code now} (its peers refuse it in TLS). */
    public boolean expiredAt(Instant now) {
        return now.isAfter(notAfter());
    }

    /** The certificate's serial number in hex, as openssl prints it: which certificate this is. */
    public String serial() {
        return certificate.getSerialNumber().toString(16);
    }

    /** The node key, for the proof an expired certificate's holder signs ({@link ExpiredCertificateProof}). */
    PrivateKey key() {
        return key;
    }

    /** Presents the node certificate, its intermediates and the roots (so a joining peer can pin the CA). */
    public KeyManagerFactory keyManagerFactory() {
        return keyManagerFactory("node");
    }

    /** The same, under the key store alias {@code alias}. */
    KeyManagerFactory keyManagerFactory(String alias) {
        try {
            char[] password = new char[0];
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            // the certificate, its intermediate, then every trusted root: a joining node pins the
            // root its token names in this chain (during a rotation, the new one)
            List<X509Certificate> chain = new ArrayList<>();
            chain.add(certificate);
            chain.addAll(intermediates);
            chain.addAll(trustedRoots);
            store.setKeyEntry(alias, key, password, chain.toArray(new X509Certificate[0]));
            // SunX509, not PKIX: Ratis' gRPC uses OpenSSL (BoringSSL), and there the PKIX key
            // manager's algorithm-constraint check refuses our EC key (the handshake then fails
            // with an internal-error alert before any certificate is looked at)
            KeyManagerFactory factory = KeyManagerFactory.getInstance("SunX509");
            factory.init(store, password);
            return factory;
        } catch (GeneralSecurityException | IOException e) {
            // no cause message: it could describe the key
            throw new IllegalStateException("cannot build the key manager for node " + nodeId);
        }
    }

    public X509KeyManager x509KeyManager() {
        for (KeyManager km : keyManagerFactory().getKeyManagers()) {
            if (km instanceof X509KeyManager x509) {
                return x509;
            }
        }
        throw new IllegalStateException("the JDK offers no X509KeyManager");
    }

    /** Trusts only certificates of this cluster's root CA, of any role. */
    public TrustManagerFactory trustManagerFactory() {
        return TlsContexts.factoryOf(x509TrustManager());
    }

    public X509TrustManager x509TrustManager() {
        return new ClusterTrustManager(trustedRoots, Optional.empty());
    }

    /** A trust manager that also requires the peer's certificate to be of {@code role}. */
    public X509TrustManager x509TrustManager(NodeRole role) {
        return new ClusterTrustManager(trustedRoots, Optional.of(role));
    }

    /** gRPC server side: mutual TLS, a client certificate of this cluster is required. */
    public SslContext serverContext() {
        return serverContext(ClientAuth.REQUIRE);
    }

    /**
     * gRPC server side with a chosen client-certificate policy: OPTIONAL for the listener that
     * also serves joining nodes (they have no certificate yet; such services must then check
     * {@link PeerIdentity} per call). A certificate that is presented must still be this cluster's.
     */
    public SslContext serverContext(ClientAuth clientAuth) {
        return TlsContexts.server(keyManagerFactory(), x509TrustManager(), clientAuth);
    }

    /** gRPC client side: presents this node's certificate; trusts any node of this cluster. */
    public SslContext clientContext() {
        return TlsContexts.client(keyManagerFactory(), x509TrustManager());
    }

    /** gRPC client side that also requires the server to hold a certificate of {@code serverRole} (e.g. MANAGER). */
    public SslContext clientContext(NodeRole serverRole) {
        return TlsContexts.client(keyManagerFactory(), x509TrustManager(serverRole));
    }

    /**
     * gRPC client side that presents no certificate but trusts only servers of this cluster's CA
     * with a certificate of {@code serverRole}: for a node whose own certificate expired, which TLS
     * would refuse (see {@link ExpiredCertificateProof}).
     */
    public SslContext anonymousClientContext(NodeRole serverRole) {
        return TlsContexts.anonymousClient(x509TrustManager(serverRole));
    }

    /** gRPC server side, also refusing what {@code revocation} says of revoked peers (see {@link LiveCredentials}). */
    SslContext serverContext(ClientAuth clientAuth, LiveRevocations revocations, PeerRevocation handshake) {
        return TlsContexts.server(keyManagerFactory(), revoking(x509TrustManager(), revocations, handshake), clientAuth);
    }

    /** gRPC client side trusting servers of {@code serverRole} (any role when empty), refusing revoked ones. */
    SslContext clientContext(Optional<NodeRole> serverRole, LiveRevocations revocations) {
        X509TrustManager chain = serverRole.map(this::x509TrustManager).orElseGet(this::x509TrustManager);
        return TlsContexts.client(keyManagerFactory(), revoking(chain, revocations, PeerRevocation.STRICT));
    }

    /** The Raft transport's trust: peers of {@code role} that {@code policy} does not refuse. */
    X509TrustManager x509TrustManager(NodeRole role, LiveRevocations revocations, PeerRevocation policy) {
        return revoking(x509TrustManager(role), revocations, policy);
    }

    /**
     * Established connections are closed once STRICT refuses their peer, except those it already
     * refused when they were made (a demoted manager calling Renew): those only lose their
     * calls ({@code agent/rpc/RevokedCallerInterceptor}).
     */
    private static X509TrustManager revoking(X509TrustManager chain, LiveRevocations revocations, PeerRevocation handshake) {
        PeerRevocation keepOpen = handshake == PeerRevocation.REMOVED_ONLY ? PeerRevocation.STRICT : handshake;
        return new RevocationTrustManager(RevocationTrustManager.extended(chain), revocations, handshake, keepOpen);
    }

    @Override
    public String toString() {
        return "NodeCredentials[node " + nodeId + ", " + role.name().toLowerCase() + ", cluster " + clusterId
                + ", valid until " + notAfter() + "]";
    }
}
