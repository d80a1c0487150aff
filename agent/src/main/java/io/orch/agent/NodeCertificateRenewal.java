package io.orch.agent;

import io.orch.agent.join.JoinClient;
import io.orch.agent.pki.ExpiredCertificateProof;
import io.orch.agent.pki.LiveCredentials;
import io.orch.agent.pki.NodeCredentials;
import io.orch.agent.renewal.CertificateRenewer;
import io.orch.agent.seal.NodeKeyLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * How this node renews its certificate for the role it has: the Renew RPC of the managers it
 * knows (the others first, then its own), presenting the certificate it holds. Once that
 * certificate has expired (the node was down past it), TLS refuses it: the node then proves it
 * holds its key instead ({@link ExpiredCertificateProof}, accepted for 30 days after the expiry),
 * and a manager that no manager renewed that way (a lone one, or all of them restarted after the
 * lifetime) issues its own from its replica of the cluster's CA.
 *
 * <p>Runs under the agent's lock, as role switches do, so that a renewal never installs a
 * certificate for a role the node has just left. The new credentials are saved before they are
 * presented: a restart never goes back to a certificate the node stopped using.
 */
final class NodeCertificateRenewal implements CertificateRenewer.Renewal {
    private static final Logger log = LoggerFactory.getLogger(NodeCertificateRenewal.class);
    private final Object agentLock;
    private final Supplier<RunningRole> role;
    private final LiveCredentials live;
    private final NodeKeyLock savedCredentials;
    private final Clock clock;

    NodeCertificateRenewal(Object agentLock, Supplier<RunningRole> role, LiveCredentials live, NodeKeyLock savedCredentials, Clock clock) {
        this.agentLock = agentLock;
        this.role = role;
        this.live = live;
        this.savedCredentials = savedCredentials;
        this.clock = clock;
    }

    @Override
    public NodeCredentials renew() throws Exception {
        synchronized (agentLock) {
            RunningRole running = role.get();
            if (running == null) {
                throw new IOException("the node is between roles or stopping");
            }
            NodeCredentials held = live.current();
            if (held.role() != running.role()) {
                throw new IOException("a role change is under way");
            }
            NodeCredentials renewed = obtain(running, held);
            if (renewed.role() != held.role()) {
                // the Renew RPC issues for the role the store gives the node: a promotion or demotion
                // is pending, and the role switch renews the certificate when it happens
                throw new IOException("the cluster now wants this node to be a " + renewed.role().name().toLowerCase(Locale.ROOT)
                        + "; its role change renews the certificate");
            }
            savedCredentials.save(renewed); // sealed on an autolocked manager
            live.replace(renewed);
            running.credentialsRenewed();
            return renewed;
        }
    }

    private NodeCredentials obtain(RunningRole running, NodeCredentials held) throws Exception {
        List<String> managers = running.renewThrough();
        if (!held.expiredAt(clock.instant())) {
            return JoinClient.renew(held, managers).credentials();
        }
        try {
            return JoinClient.renewExpired(held, managers).credentials();
        } catch (JoinClient.JoinRefusedException e) {
            ManagerNode manager = running.manager();
            if (manager == null) {
                throw e;
            }
            try {
                NodeCredentials own = manager.issueOwnCertificate();
                log.info("no manager renewed this manager's expired certificate ({}); it issued its own from its replica "
                        + "of the cluster's CA", e.getMessage());
                return own;
            } catch (RuntimeException own) {
                throw new IOException(e.getMessage() + "; nor could this manager issue its own: " + own.getMessage(), e);
            }
        }
    }
}
