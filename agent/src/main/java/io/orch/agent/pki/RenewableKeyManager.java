package io.orch.agent.pki;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/**
 * The key manager of the Raft transport, which builds its TLS contexts itself (Ratis: Netty's
 * OpenSSL engine, for server and client): it presents whatever certificate {@link LiveCredentials}
 * holds when a handshake asks, so a renewed certificate is used from the next Raft connection on
 * without restarting the replica. Netty asks the key manager at every handshake; it caches key
 * material only for its own caching key manager factory.
 *
 * <p>Choosing an alias and reading its chain and key are separate calls, and a renewal may land
 * between them: the alias names the certificate's serial, and the previous certificate stays
 * readable under its alias, so one handshake never mixes one certificate with another's key.
 */
final class RenewableKeyManager extends X509ExtendedKeyManager {
    private final LiveCredentials live;

    RenewableKeyManager(LiveCredentials live) {
        this.live = live;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return live.presented().keys().chooseClientAlias(keyType, issuers, socket);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return live.presented().keys().chooseServerAlias(keyType, issuers, socket);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        return live.presented().keys().chooseClientAlias(keyType, issuers, null);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return live.presented().keys().chooseServerAlias(keyType, issuers, null);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return live.presented().keys().getClientAliases(keyType, issuers);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return live.presented().keys().getServerAliases(keyType, issuers);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        LiveCredentials.Presented p = live.presented(alias);
        return p == null ? null : p.keys().getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        LiveCredentials.Presented p = live.presented(alias);
        return p == null ? null : p.keys().getPrivateKey(alias);
    }
}
