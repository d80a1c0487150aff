package io.orch.agent.pki;

/**
 * Turns the JDK's stateless TLS 1.3 session tickets off for this process, before any TLS context
 * is made. A resumed session skips the trust manager, so revocation must be able to forget a
 * revoked peer's sessions ({@link PeerConnections}); a stateless ticket lives in the client and
 * cannot be invalidated, while a session in the server's cache can. The launcher passes the same
 * property ({@code bin/orch}); this covers agents started some other way (tests, embedding).
 */
public final class TlsSessionTickets {
    static final String PROPERTY = "jdk.tls.server.enableSessionTicketExtension";

    private TlsSessionTickets() {
    }

    /** Call before the first TLS handshake of the process (the JDK reads the property once). */
    public static void useServerSessionCache() {
        System.setProperty(PROPERTY, "false");
    }
}
