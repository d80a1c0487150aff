package io.orch.raft.ratis;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509KeyManager;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/**
 * A key manager whose certificate a test replaces while replicas run, as a renewed node
 * certificate replaces the old one: aliases are chosen by the current key manager and read from
 * it or, for a handshake that chose just before a swap, from the previous one.
 */
final class SwappableKeyManager extends X509ExtendedKeyManager {
    private volatile X509KeyManager current;
    private volatile X509KeyManager previous;

    SwappableKeyManager(X509KeyManager first) {
        this.current = first;
        this.previous = first;
    }

    synchronized void swap(X509KeyManager next) {
        previous = current;
        current = next;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return current.chooseClientAlias(keyType, issuers, socket);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return current.chooseServerAlias(keyType, issuers, socket);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        return current.chooseClientAlias(keyType, issuers, null);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return current.chooseServerAlias(keyType, issuers, null);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return current.getClientAliases(keyType, issuers);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return current.getServerAliases(keyType, issuers);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        X509Certificate[] chain = current.getCertificateChain(alias);
        return chain != null ? chain : previous.getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        PrivateKey key = current.getPrivateKey(alias);
        return key != null ? key : previous.getPrivateKey(alias);
    }
}
