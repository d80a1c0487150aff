package io.orch.agent;

import io.orch.agent.pki.LiveCredentials;
import io.orch.agent.pki.NodeCredentials;
import io.orch.agent.pki.NodeTrust;
import io.orch.agent.seal.NodeKeyLock;
import io.orch.api.concurrent.DaemonThreads;
import io.orch.api.proto.TrustRoots;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Follows the cluster's root CAs on this node (a root rotation): trusts the roots the cluster
 * names (saved to DATA/certificates/ca.crt and used from the next handshake on, Raft included),
 * and wakes the renewer when this node's certificate was signed by another key than the cluster's
 * signing root (the renewer then renews at once, see {@link #mustRenew}). Updates arrive on the
 * dispatcher's or a store loop's thread; they are applied on a thread of their own, under the
 * agent's lock as renewals are, the latest one winning.
 */
final class RootTrustFollower implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RootTrustFollower.class);
    private final Object agentLock;
    private final Supplier<RunningRole> role;
    private final LiveCredentials live;
    private final NodeKeyLock savedCredentials;
    private final Runnable wakeRenewer;
    private final AtomicReference<TrustRoots> pending = new AtomicReference<>();
    private final ExecutorService thread = Executors.newSingleThreadExecutor(DaemonThreads.factory("orch-trust-roots"));
    private volatile TrustRoots latest;
    private String lastFailure;

    RootTrustFollower(Object agentLock, Supplier<RunningRole> role, LiveCredentials live, NodeKeyLock savedCredentials, Runnable wakeRenewer) {
        this.agentLock = agentLock;
        this.role = role;
        this.live = live;
        this.savedCredentials = savedCredentials;
        this.wakeRenewer = wakeRenewer;
    }

    /** The cluster's trust now; applied shortly, on the follower's thread. */
    void received(TrustRoots roots) {
        latest = roots;
        if (pending.getAndSet(roots) == null) {
            thread.execute(this::applyPending);
        }
    }

    /** For the renewer: whether the certificate held must be renewed now, whatever its expiry. */
    boolean mustRenew(NodeCredentials held) {
        TrustRoots t = latest;
        try {
            return t != null && NodeTrust.needsRenewal(held, t);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private void applyPending() {
        TrustRoots roots = pending.getAndSet(null);
        if (roots == null) {
            return;
        }
        try {
            synchronized (agentLock) {
                RunningRole running = role.get();
                NodeCredentials held = live.current();
                NodeCredentials next = NodeTrust.retrusted(held, roots).orElse(null);
                if (next != null) {
                    savedCredentials.save(next); // sealed on an autolocked manager
                    live.replace(next);
                    log.info("this node now trusts {} root CA(s){}", next.trustedRoots().size(),
                            next.trustedRoots().size() > 1 ? " (a root CA rotation is under way)" : "");
                    if (running != null) {
                        running.credentialsRenewed(); // its description shows the new trust root
                    }
                }
                lastFailure = null;
            }
        } catch (Exception e) {
            String why = e.getMessage() != null ? e.getMessage() : e.toString();
            if (!why.equals(lastFailure)) {
                log.warn("cannot take the cluster's root CAs yet: {} (after a root rotation that finished while this node "
                        + "was away, it must join again)", why);
                lastFailure = why;
            }
        }
        if (mustRenew(live.current())) {
            wakeRenewer.run();
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
