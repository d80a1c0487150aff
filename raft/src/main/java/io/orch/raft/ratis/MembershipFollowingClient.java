package io.orch.raft.ratis;

import io.orch.api.concurrent.DaemonThreads;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The Ratis client this replica proposes through, kept in step with the group's membership. A
 * Ratis client only knows the peers it was built with (plus those a NotLeaderException names), so
 * after voters were added and the original ones removed it could no longer find the leader. Each
 * call to {@link #get} compares the membership this replica sees with the client's and, when it
 * changed, builds a new client and retires the old one: requests already in flight on it keep going
 * and it is closed once they must have finished.
 *
 * <p>A client through which a proposal failed is replaced at once ({@link #renew}): a Ratis client
 * whose ordered requests ran out of retries is dead for good (its sliding window keeps the error and
 * fails every later request with "client-...->RAFT is closed"), and one still retrying a request
 * its caller gave up on holds the requests after it back.
 */
final class MembershipFollowingClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MembershipFollowingClient.class);

    private final RaftGroupId groupId;
    private final RaftProperties properties;
    private final Parameters parameters;
    private final RetryPolicy retryPolicy;
    private final Supplier<Collection<RaftPeer>> currentPeers;
    private final Supplier<RaftPeerId> leaderHint;
    private final Duration retireAfter;
    private final ScheduledExecutorService retirer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.factory("orch-raft-client-retirer"));
    // guarded by this (get, close); a retired client is closed on the retirer's thread, not through these
    private RaftClient client;
    private List<RaftPeer> clientPeers;
    private boolean closed;

    MembershipFollowingClient(RaftGroupId groupId, RaftProperties properties, Parameters parameters,
            RetryPolicy retryPolicy, Supplier<Collection<RaftPeer>> currentPeers, Supplier<RaftPeerId> leaderHint,
            Duration retireAfter) {
        this.groupId = groupId;
        this.properties = properties;
        this.parameters = parameters;
        this.retryPolicy = retryPolicy;
        this.currentPeers = currentPeers;
        this.leaderHint = leaderHint;
        this.retireAfter = retireAfter;
    }

    /** The client for the current membership; throws IllegalStateException once closed. */
    synchronized RaftClient get() {
        if (closed) {
            throw new IllegalStateException("raft client closed");
        }
        List<RaftPeer> peers = sorted(currentPeers.get());
        if (client == null || !peers.equals(clientPeers)) {
            RaftClient previous = client;
            client = RaftClient.newBuilder()
                    .setClientId(ClientId.randomId())
                    .setRaftGroup(RaftGroup.valueOf(groupId, peers))
                    .setLeaderId(leaderHint.get()) // a NotLeaderException redirects if this is stale
                    .setProperties(properties)
                    .setParameters(parameters)
                    .setRetryPolicy(retryPolicy)
                    .build();
            if (previous != null) {
                LOG.info("raft membership changed to {}: new proposal client", peers);
                retirer.schedule(() -> closeQuietly(previous), retireAfter.toMillis(), TimeUnit.MILLISECONDS);
            }
            clientPeers = peers;
        }
        return client;
    }

    /**
     * After a proposal through {@code failed} failed: the next {@link #get} builds a new client,
     * and {@code failed} is closed at once (on another thread: closing waits for its channels),
     * which ends the retries of what it still carried (an entry Ratis refuses made each new
     * leader step down in turn) and fails the requests still in flight on it: their callers see a
     * failure, as after a timeout, and write again. A no-op when {@code failed} was replaced already.
     */
    synchronized void renew(RaftClient failed, Throwable why) {
        if (closed || client != failed) {
            return;
        }
        client = null;
        clientPeers = null;
        LOG.warn("a raft proposal failed ({}); its client {} is closed and the next proposal goes through a new one",
                why.toString(), failed.getId());
        retirer.execute(() -> closeQuietly(failed)); // under the lock: close() has not shut the retirer down
    }

    private static List<RaftPeer> sorted(Collection<RaftPeer> peers) {
        return peers.stream().sorted(Comparator.comparing(p -> p.getId().toString())).toList();
    }

    private static void closeQuietly(RaftClient c) {
        try {
            c.close();
        } catch (IOException | RuntimeException e) {
            LOG.debug("closing a retired raft client", e);
        }
    }

    /**
     * Closes the clients outside the lock: closing a client fails the requests still in flight on
     * it, and their callbacks call {@link #renew} (a close under the lock waited for those
     * callbacks while they waited for the lock).
     */
    @Override
    public void close() throws IOException {
        List<Runnable> retiring;
        RaftClient last;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            retiring = retirer.shutdownNow();
            last = client;
            client = null;
        }
        retiring.forEach(Runnable::run);
        if (last != null) {
            last.close();
        }
    }
}
