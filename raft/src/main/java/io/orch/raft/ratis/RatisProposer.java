package io.orch.raft.ratis;

import io.orch.api.proto.StoreCommand;
import io.orch.raft.ApplyResult;
import io.orch.raft.CommandApplier;
import io.orch.raft.Proposer;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * The production {@link Proposer}: one embedded Ratis server (this manager's replica) plus a
 * Ratis client that sends proposals to whichever replica leads. Listens on exactly one TCP port,
 * the one in {@link RaftSettings#address()} (Ratis gRPC server, admin and client services).
 *
 * <pre>{@code
 * RatisProposer proposer = new RatisProposer(RaftSettings.singleVoter(nodeId, "10.0.0.5:4300", clusterId, dir));
 * proposer.onLatency(nanos -> timer.record(nanos, TimeUnit.NANOSECONDS));
 * proposer.start(store);              // returns once the store is replayed and (one voter) writable
 * ApplyResult r = proposer.propose(command).join();
 * }</pre>
 */
public final class RatisProposer implements Proposer {
    private static final Logger LOG = LoggerFactory.getLogger(RatisProposer.class);
    private static final TimeDuration CLIENT_RETRY_SLEEP = TimeDuration.valueOf(100, TimeUnit.MILLISECONDS);

    private final RaftSettings settings;
    private final RaftPeerId self;
    private final RaftGroup initialGroup;
    private final LeadershipNotifier leadership;
    private volatile LongConsumer latencyListener = nanos -> { };
    private volatile RaftServer server;
    private volatile RaftServer.Division division;
    private volatile RaftClient client;
    private volatile boolean closed;
    private volatile long startMillis = -1;

    public RatisProposer(RaftSettings settings) {
        this.settings = settings;
        this.self = RaftPeerId.valueOf(settings.nodeId());
        List<RaftPeer> peers = settings.peers().entrySet().stream()
                .map(e -> peer(e.getKey(), e.getValue()))
                .toList();
        this.initialGroup = RaftGroup.valueOf(settings.groupId(), peers);
        this.leadership = new LeadershipNotifier(settings.nodeId());
    }

    /**
     * Starts the replica on {@link RaftSettings#storageDir()} (formatting it on first use, else
     * recovering: latest snapshot into {@code applier.restore}, then the log after it through
     * {@code applier.apply}). Returns once every entry known committed at start is applied and,
     * when this replica is the group's only voter, once it is leader with everything applied. A
     * replica of a larger group does not wait for a leader (its peers may be starting too).
     * {@code applier} must be empty.
     */
    @Override
    public synchronized void start(CommandApplier applier) throws IOException {
        if (server != null || closed) {
            throw new IllegalStateException("start may be called once, before close");
        }
        long started = System.nanoTime();
        RaftProperties properties = RatisProperties.from(settings);
        RatisStateMachine stateMachine = new RatisStateMachine(applier, self, leadership);
        Path groupDir = settings.storageDir().resolve(settings.groupId().getUuid().toString());
        RaftStorage.StartupOption option = Files.isDirectory(groupDir)
                ? RaftStorage.StartupOption.RECOVER : RaftStorage.StartupOption.FORMAT;
        Files.createDirectories(settings.storageDir());
        refuseForeignGroups(groupDir);
        server = RaftServer.newBuilder()
                .setServerId(self)
                .setGroup(initialGroup)
                .setStateMachine(stateMachine)
                .setProperties(properties)
                .setOption(option)
                .build();
        try {
            server.start();
            division = server.getDivision(settings.groupId());
            long committedAtStart = division.getRaftLog().getLastCommittedIndex();
            client = RaftClient.newBuilder()
                    .setClientId(ClientId.randomId())
                    .setRaftGroup(initialGroup)
                    .setLeaderId(self) // first try here; a NotLeaderException redirects to the leader
                    .setProperties(properties)
                    .setRetryPolicy(clientRetryPolicy())
                    .build();
            if (!stateMachine.awaitCondition(() -> caughtUp(committedAtStart), settings.startTimeout())) {
                throw new IOException("raft replica " + self + " not ready within " + settings.startTimeout()
                        + ": applied " + division.getInfo().getLastAppliedIndex() + " of " + committedAtStart
                        + ", leader ready " + division.getInfo().isLeaderReady());
            }
        } catch (IOException | RuntimeException e) {
            closeQuietly();
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly();
            throw new InterruptedIOException("interrupted while starting raft replica " + self);
        }
        startMillis = (System.nanoTime() - started) / 1_000_000;
        LOG.info("raft replica {} ({}) started in {} ms on {}: applied {}, leader {}", self, option, startMillis,
                settings.address(), division.getInfo().getLastAppliedIndex(), division.getInfo().isLeader());
    }

    /**
     * Ratis starts every group it finds under the storage dir, all with our one state machine; a
     * group dir from another cluster id would mix two logs into one store.
     */
    private void refuseForeignGroups(Path ours) throws IOException {
        try (var children = Files.list(settings.storageDir())) {
            List<Path> foreign = children
                    .filter(Files::isDirectory)
                    .filter(p -> !p.equals(ours) && isUuid(p.getFileName().toString()))
                    .toList();
            if (!foreign.isEmpty()) {
                throw new IOException("raft storage dir " + settings.storageDir() + " holds Raft groups of another cluster "
                        + foreign + " (this cluster's group dir is " + ours.getFileName() + "); move them away");
            }
        }
    }

    private static boolean isUuid(String name) {
        try {
            return UUID.fromString(name).toString().equals(name);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private boolean caughtUp(long committedAtStart) {
        if (division.getInfo().getLastAppliedIndex() < committedAtStart) {
            return false;
        }
        return !isSoleVoter() || division.getInfo().isLeaderReady();
    }

    /** Judged by the membership in the log, not the settings: voters may have been added since. */
    private boolean isSoleVoter() {
        Collection<RaftPeer> voters = division.getRaftConf().getCurrentPeers();
        return voters.size() == 1 && voters.iterator().next().getId().equals(self);
    }

    /**
     * Retries (through leader changes) for about the propose timeout; the client's retry cache
     * makes a retried request commit at most once.
     */
    private RetryPolicy clientRetryPolicy() {
        int attempts = (int) Math.max(1, settings.proposeTimeout().toMillis() / CLIENT_RETRY_SLEEP.toLong(TimeUnit.MILLISECONDS));
        return RetryPolicies.retryUpToMaximumCountWithFixedSleep(attempts, CLIENT_RETRY_SLEEP);
    }

    /**
     * Completes with the command's {@link ApplyResult} once it is committed (fsynced on a quorum)
     * and applied by the leader; or exceptionally with {@link ProposalFailedException}. Completes on
     * a Ratis client thread: keep dependent actions short.
     */
    @Override
    public CompletableFuture<ApplyResult> propose(StoreCommand command) {
        RaftClient c = client;
        if (c == null || closed) {
            return CompletableFuture.failedFuture(new ProposalFailedException(
                    closed ? "raft proposer is closed" : "raft proposer not started", null));
        }
        long sent = System.nanoTime();
        CompletableFuture<ApplyResult> result = new CompletableFuture<>();
        CompletableFuture<RaftClientReply> reply;
        try {
            reply = c.async().send(Message.valueOf(UnsafeByteOperations.unsafeWrap(command.toByteArray())));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(new ProposalFailedException("raft client refused the proposal", e));
        }
        reply.orTimeout(settings.proposeTimeout().toMillis(), TimeUnit.MILLISECONDS).whenComplete((r, error) -> {
            if (error != null) {
                result.completeExceptionally(failure(error));
            } else if (!r.isSuccess()) {
                result.completeExceptionally(new ProposalFailedException("not committed: " + r.getException(), r.getException()));
            } else {
                ApplyResult applied = ApplyResultCodec.decode(r.getMessage());
                reportLatency(System.nanoTime() - sent);
                result.complete(applied);
            }
        });
        return result;
    }

    private ProposalFailedException failure(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof TimeoutException) {
            return new ProposalFailedException("not committed within " + settings.proposeTimeout()
                    + " (leader known: " + division.getInfo().getLeaderId() + ")", cause);
        }
        return new ProposalFailedException("not committed: " + cause, cause);
    }

    private void reportLatency(long nanos) {
        try {
            latencyListener.accept(nanos);
        } catch (RuntimeException e) {
            LOG.warn("latency listener failed", e);
        }
    }

    /** Receives the nanoseconds from each successful {@link #propose} to its applied reply (for a timer metric). */
    public void onLatency(LongConsumer listener) {
        this.latencyListener = listener;
    }

    /** Leader with every earlier entry applied: the local store is current and writes go through. */
    @Override
    public boolean isLeader() {
        RaftServer.Division d = division;
        return d != null && !closed && d.getInfo().isLeaderReady();
    }

    /** Told the current state at once, then true when this replica becomes a ready leader and false when it stops. */
    @Override
    public void onLeadershipChange(Consumer<Boolean> listener) {
        leadership.add(listener);
    }

    /**
     * Adds a voter through Raft (joint consensus). The new replica must already be running with
     * this group id and a peer list naming the current voters and itself, so it waits as a
     * follower instead of electing itself. Blocks until the new configuration is committed.
     */
    public void addVoter(String nodeId, String address) throws IOException {
        setConfiguration(SetConfigurationRequest.Arguments.newBuilder()
                .setServersInNewConf(List.of(peer(nodeId, address)))
                .setMode(SetConfigurationRequest.Mode.ADD)
                .build());
    }

    /** Removes a voter; fails if the membership changed concurrently (compare-and-set). */
    public void removeVoter(String nodeId) throws IOException {
        List<RaftPeer> current = new ArrayList<>(requireStarted().getRaftConf().getCurrentPeers());
        List<RaftPeer> remaining = current.stream().filter(p -> !p.getId().toString().equals(nodeId)).toList();
        if (remaining.size() == current.size()) {
            return;
        }
        setConfiguration(SetConfigurationRequest.Arguments.newBuilder()
                .setServersInCurrentConf(current)
                .setServersInNewConf(remaining)
                .setMode(SetConfigurationRequest.Mode.COMPARE_AND_SET)
                .build());
    }

    private void setConfiguration(SetConfigurationRequest.Arguments arguments) throws IOException {
        requireStarted();
        RaftClientReply reply = client.admin().setConfiguration(arguments);
        if (!reply.isSuccess()) {
            throw new IOException("membership change failed: " + reply.getException(), reply.getException());
        }
    }

    /** The voters in the current configuration, id to address. */
    public Map<String, String> voters() {
        Map<String, String> voters = new TreeMap<>();
        requireStarted().getRaftConf().getCurrentPeers().forEach(p -> voters.put(p.getId().toString(), p.getAddress()));
        return voters;
    }

    /** Index of the last entry applied on this replica (configuration entries included). */
    public long lastAppliedIndex() {
        return requireStarted().getInfo().getLastAppliedIndex();
    }

    /** Milliseconds the last {@link #start} took, or -1. */
    public long startMillis() {
        return startMillis;
    }

    private RaftServer.Division requireStarted() {
        RaftServer.Division d = division;
        if (d == null || closed) {
            throw new IllegalStateException("raft proposer not running");
        }
        return d;
    }

    /** Stops client and server (a clean stop may take a snapshot first, see {@link RaftSettings#snapshotOnStop()}). Idempotent. */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        IOException failure = null;
        try {
            if (client != null) {
                client.close();
            }
        } catch (IOException e) {
            failure = e;
        }
        try {
            if (server != null) {
                server.close();
            }
        } catch (IOException e) {
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        }
        leadership.close();
        if (failure != null) {
            throw failure;
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (IOException | RuntimeException e) {
            LOG.warn("closing raft replica {} after a failed start", self, e);
        }
    }

    private static RaftPeer peer(String id, String address) {
        HostPort.parse(address);
        return RaftPeer.newBuilder().setId(id).setAddress(address).build();
    }
}
