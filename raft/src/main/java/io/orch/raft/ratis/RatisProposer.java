package io.orch.raft.ratis;

import io.orch.api.concurrent.DaemonThreads;
import io.orch.api.proto.StoreCommand;
import io.orch.raft.ApplyResult;
import io.orch.raft.CommandApplier;
import io.orch.raft.PayloadSeal;
import io.orch.raft.Proposer;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.protocol.exceptions.ReconfigurationInProgressException;
import org.apache.ratis.protocol.exceptions.ReconfigurationTimeoutException;
import org.apache.ratis.protocol.exceptions.SetConfigurationException;
import org.apache.ratis.retry.ExceptionDependentRetry;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * The production {@link Proposer}: one embedded Ratis server (this manager's replica) plus a
 * Ratis client that sends proposals to whichever replica leads. Listens on exactly one TCP port,
 * {@link RaftSettings#bindAddress()} (Ratis gRPC server, admin and client services), with mutual
 * TLS when {@link RaftSettings#tls()} is set.
 *
 * <pre>{@code
 * RatisProposer proposer = new RatisProposer(RaftSettings.singleVoter(nodeId, "10.0.0.5:4300", clusterId, dir));
 * proposer.onLatency(nanos -> timer.record(nanos, TimeUnit.NANOSECONDS));
 * proposer.onFailure(error -> exitTheDaemon(error));   // fail-stop: the replica stopped itself
 * proposer.start(store);              // returns once the store is replayed and (one voter) writable
 * ApplyResult r = proposer.propose(command).join();
 * }</pre>
 *
 * A manager joining a cluster starts with {@link RaftSettings#joining} and waits, taking part in
 * no election, until the leader (or any replica: the request is redirected) calls {@link #addVoter}.
 */
public final class RatisProposer implements Proposer {
    private static final Logger LOG = LoggerFactory.getLogger(RatisProposer.class);
    private static final TimeDuration CLIENT_RETRY_SLEEP = TimeDuration.valueOf(100, TimeUnit.MILLISECONDS);
    /** Tries of a compare-and-set membership change whose local view of the voters was stale. */
    private static final int MEMBERSHIP_CAS_ATTEMPTS = 3;
    /** Stands for "no leader in view at all" (closed, stopped, no role info) in comparisons with timeouts. */
    private static final Duration NO_CONTACT = Duration.ofDays(365);
    private static final Duration STORAGE_CHECK = Duration.ofSeconds(1);

    private final RaftSettings settings;
    /** Seals every command before Ratis sees it, and the snapshots (see {@link PayloadSeal}). */
    private final PayloadSeal seal;
    private final RaftPeerId self;
    private final RaftGroup initialGroup;
    /** The voters the settings name: whom the clients dial while this replica's own configuration is still empty. */
    private final List<RaftPeer> joiningPeers;
    private final LeadershipNotifier leadership;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final List<Consumer<Throwable>> failureListeners = new CopyOnWriteArrayList<>();
    private volatile LongConsumer latencyListener = nanos -> { }; // no lock: onLatency replaces it
    /** Leaders seen taking over, across in-process replica restarts (see {@link #stats()}). */
    private final java.util.concurrent.atomic.AtomicLong leaderChanges = new java.util.concurrent.atomic.AtomicLong();
    // server, division, stateMachine, clients and adminClients: replaced only under this (start and
    // restartReplica, through launch()); volatile, as propose(), the watches and the getters read
    // them without the lock
    private volatile RaftServer server;
    private volatile RaftServer.Division division;
    private volatile RatisStateMachine stateMachine;
    private volatile MembershipFollowingClient clients;
    /** Membership changes go through a client of their own: its blocking retries must not hold up proposals. */
    private volatile MembershipFollowingClient adminClients;
    private volatile boolean closed; // written under this (close); volatile for the lock-free checks
    private volatile long startMillis = -1; // written under this (start)
    /** Proposals sent and not yet answered: failed early when the leader is lost (see {@link #watchLeaderContact}). */
    private final Set<InFlight> pending = ConcurrentHashMap.newKeySet();
    private final ProposalAdmission admission = new ProposalAdmission(RatisProperties.PROPOSALS_IN_FLIGHT_MAX);
    // replaced under this (start); the clock itself is thread-safe (the contact watch feeds it, propose reads it)
    private volatile LeaderlessClock leaderless = new LeaderlessClock(System.nanoTime());
    private volatile ScheduledExecutorService contactWatch; // guarded by this (start, close)
    private volatile CommandApplier applier; // guarded by this (start, restartReplica)
    /**
     * Why writes are refused now (no space, or the log failed); null when the storage is healthy.
     * Written under {@link #storageLock} (the storage watch on the contact-watch thread, and
     * storageFailed() on a Raft thread); propose() reads it lock-free.
     */
    private volatile String storageProblem;
    /**
     * The log write that failed: Ratis' log refuses every write after it, until the replica restarts.
     * Guarded by {@link #storageLock}: set by storageFailed() on a Raft thread, cleared by restartReplica().
     */
    private volatile Throwable logFailure;
    /**
     * Orders the storage judgements: only taken by itself or inside {@code this} (restartReplica),
     * never the other way round, since storageFailed() runs on a Raft thread that closing the
     * server under {@code this} may wait for.
     */
    private final Object storageLock = new Object();
    private final List<Consumer<Optional<String>>> storageListeners = new CopyOnWriteArrayList<>();

    /** A replica whose log and snapshots hold the store in clear: tests of the replication only. */
    public RatisProposer(RaftSettings settings) {
        this(settings, PayloadSeal.CLEAR);
    }

    /** @param seal seals each proposed command before Ratis logs and ships it, and each snapshot */
    public RatisProposer(RaftSettings settings, PayloadSeal seal) {
        this.settings = settings;
        this.seal = java.util.Objects.requireNonNull(seal, "seal");
        this.self = RaftPeerId.valueOf(settings.nodeId());
        List<RaftPeer> peers = settings.peers().entrySet().stream()
                .map(e -> peer(e.getKey(), e.getValue()))
                .toList();
        // a joining replica (not among its peers) starts in an empty group: Ratis then keeps it
        // "initializing", with no election timer, until the leader's first append after addVoter
        this.initialGroup = settings.peers().containsKey(settings.nodeId())
                ? RaftGroup.valueOf(settings.groupId(), peers) : RaftGroup.valueOf(settings.groupId());
        this.joiningPeers = peers;
        this.leadership = new LeadershipNotifier(settings.nodeId());
    }

    /**
     * Starts the replica on {@link RaftSettings#storageDir()} (formatting it on first use, else
     * recovering: latest snapshot into {@code applier.restore}, then the log after it through
     * {@code applier.apply}). Returns once every entry known committed at start is applied and,
     * when this replica is the group's only voter, once it is leader with everything applied. A
     * replica of a larger group does not wait for a leader (its peers may be starting too).
     * With {@link RaftSettings#forceNewCluster()} the group on disk first becomes a new
     * single-voter group holding all of its log (see {@link ForceNewCluster}).
     * {@code applier} must be empty.
     */
    @Override
    public synchronized void start(CommandApplier applier) throws IOException {
        if (server != null || closed) {
            throw new IllegalStateException("start may be called once, before close");
        }
        long started = System.nanoTime();
        RatisExitGuard.install(); // a Ratis failure must reach us as an exception, never exit the JVM
        RaftProperties properties = RatisProperties.from(settings);
        Parameters parameters = RatisTls.parameters(settings.tls());
        Path groupDir = settings.storageDir().resolve(settings.groupId().getUuid().toString());
        Files.createDirectories(settings.storageDir());
        refuseForeignGroups(groupDir);
        Optional<ForceNewCluster.Seed> seed = Optional.empty();
        RaftGroup group = initialGroup;
        if (settings.forceNewCluster()) {
            seed = Optional.of(ForceNewCluster.recover(groupDir, applier, seal));
            ForceNewCluster.setAside(groupDir);
            group = RaftGroup.valueOf(settings.groupId(), List.of(peer(settings.nodeId(), settings.advertiseAddress())));
        }
        RaftStorage.StartupOption option = Files.isDirectory(groupDir)
                ? RaftStorage.StartupOption.RECOVER : RaftStorage.StartupOption.FORMAT;
        this.applier = applier;
        RatisStateMachine sm = new RatisStateMachine(applier, seal, self, leadership, seed, this::failStop,
                RatisProperties.leaderlessAllowance(settings));
        try {
            launch(sm, group, option, properties, parameters);
            long committedAtStart = division.getRaftLog().getLastCommittedIndex();
            leaderless = new LeaderlessClock(System.nanoTime());
            contactWatch = startContactWatch();
            boolean ready = sm.awaitCondition(() -> failure.get() != null || caughtUp(committedAtStart),
                    settings.startTimeout());
            if (failure.get() != null) {
                throw new IOException("raft replica " + self + " stopped while replaying its log: " + failure.get(),
                        failure.get());
            }
            if (!ready) {
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
        LOG.info("raft replica {} ({}{}) started in {} ms on {} (advertised {}, {}): applied {}, leader {}", self, option,
                settings.forceNewCluster() ? ", forced new cluster" : "", startMillis, settings.bindAddress(),
                settings.advertiseAddress(), settings.tls().isPresent() ? "mutual TLS" : "plaintext",
                division.getInfo().getLastAppliedIndex(), division.getInfo().isLeader());
    }

    /** Builds and starts the Ratis server around {@code sm}, and the clients that follow its membership. */
    private void launch(RatisStateMachine sm, RaftGroup group, RaftStorage.StartupOption option,
            RaftProperties properties, Parameters parameters) throws IOException {
        sm.countLeaderChangesIn(leaderChanges);
        sm.onLogFailed(this::storageFailed);
        sm.snapshotWhen(() -> storageProblem == null);
        server = RaftServer.newBuilder()
                .setServerId(self)
                .setGroup(group)
                .setStateMachine(sm)
                .setProperties(properties)
                .setParameters(parameters)
                .setOption(option)
                .build();
        server.start();
        stateMachine = sm;
        division = server.getDivision(settings.groupId());
        clients = new MembershipFollowingClient(settings.groupId(), properties, parameters, clientRetryPolicy(),
                this::peersAsDialled, this::leaderHint, settings.proposeTimeout().multipliedBy(2));
        adminClients = new MembershipFollowingClient(settings.groupId(), properties, parameters, adminRetryPolicy(),
                this::peersAsDialled, this::leaderHint, membershipTimeout());
        clients.get();
    }

    private void storageFailed(Throwable cause) {
        synchronized (storageLock) {
            if (logFailure != null) {
                return;
            }
            logFailure = cause;
            setStorageProblem(StorageHealth.failedWrite(cause.getMessage()));
        }
        leadership.publish(false);
        LOG.error("raft replica {}: its log cannot be written ({}); this manager refuses writes and restarts its "
                + "replica once {} has free space again", self, cause.toString(), settings.storageDir());
    }

    /**
     * Once a second: how much space the storage has. Below {@link RatisProperties#storageFreeMin} this
     * replica is unhealthy (writes refused at once, partial snapshots deleted) before a write fails;
     * after a write failed (Ratis' log then refuses every later write) it restarts its replica in this
     * process once twice that much is free again, keeping the store it has: nothing to restart by hand.
     */
    private void watchStorage() {
        if (closed || failure.get() != null || division == null) {
            return;
        }
        try {
            if (judgeStorage()) {
                restartReplica();
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("raft replica {}: storage check failed: {}", self, e.toString());
        }
    }

    /**
     * Sets {@link #storageProblem} from the free space and the failed write, if any; true when the
     * replica should restart. Under {@link #storageLock}: a log write failing meanwhile (on a Ratis
     * thread) must not be overwritten by "space is back" judged before it.
     */
    private boolean judgeStorage() throws IOException {
        synchronized (storageLock) {
            Throwable failed = logFailure;
            StorageHealth health = StorageHealth.judge(settings.storageDir().toFile().getUsableSpace(),
                    RatisProperties.storageFreeMin(settings), Optional.ofNullable(failed).map(Throwable::getMessage),
                    settings.storageDir().toString());
            if (health.restart()) {
                return true;
            } else if (health.problem().isPresent()) {
                if (storageProblem == null) {
                    LOG.warn("raft replica {}: {}; refusing writes until there is space again", self,
                            health.problem().get());
                    SnapshotFiles.deleteUnfinished(stateMachine.storage());
                }
                setStorageProblem(health.problem().get());
            } else if (storageProblem != null) {
                setStorageProblem(null);
                LOG.info("raft replica {}: {} has space again; writes are accepted", self, settings.storageDir());
            }
            return false;
        }
    }

    /**
     * A fresh Ratis server on the same storage, around the applier this replica already filled: the
     * state machine resumes at the last applied entry (log entries up to it are skipped when Ratis
     * replays them), so the store keeps serving and the leader sends what was missed.
     */
    private synchronized void restartReplica() throws IOException {
        if (closed || failure.get() != null) {
            return;
        }
        var at = stateMachine.getLastAppliedTermIndex();
        LOG.warn("raft replica {}: restarting it in place after its log failed (applied up to {})", self, at);
        for (AutoCloseable c : new AutoCloseable[] {clients, adminClients, server}) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.debug("closing the failed replica", e);
            }
        }
        leadership.publish(false);
        SnapshotFiles.deleteUnfinished(stateMachine.storage());
        RatisStateMachine sm = new RatisStateMachine(applier, seal, self, leadership, Optional.empty(), this::failStop,
                RatisProperties.leaderlessAllowance(settings), at);
        synchronized (storageLock) {
            logFailure = null;
        }
        launch(sm, initialGroup, RaftStorage.StartupOption.RECOVER, RatisProperties.from(settings),
                RatisTls.parameters(settings.tls()));
        synchronized (storageLock) {
            if (logFailure == null) {
                setStorageProblem(null);
            }
        }
        LOG.info("raft replica {}: restarted after its log failed; catching up from the leader", self);
    }

    /** While its log cannot be written, this replica applies nothing new: what it holds is stale. */
    @Override
    public Optional<String> staleReads() {
        Throwable failed = logFailure;
        if (failed == null) {
            return Optional.empty();
        }
        String problem = storageProblem;
        return Optional.of(problem != null ? problem : StorageHealth.failedWrite(failed.getMessage()));
    }

    /**
     * Why this manager's replica cannot take writes now (its disk is full, or writing its log
     * failed), or empty when it is healthy. It recovers by itself once the disk has space again.
     */
    public Optional<String> storageProblem() {
        return Optional.ofNullable(storageProblem);
    }

    /** Told (on a Raft thread) whenever the storage turns unhealthy (the problem) or healthy again (empty). */
    public void onStorageHealth(Consumer<Optional<String>> listener) {
        storageListeners.add(listener);
    }

    /**
     * A replica that cannot write its log must not lead (its entries would never commit, and Ratis
     * keeps such a leader): while unhealthy it takes part in no election and hands leadership over.
     * Blocking admin calls, so on a thread of their own.
     */
    private void stayOutOfLeadership(boolean unhealthy) {
        Thread t = new Thread(() -> {
            try {
                var client = adminClients.get();
                if (unhealthy) {
                    client.getLeaderElectionManagementApi(self).pause();
                    if (division.getInfo().isLeader()) {
                        client.admin().transferLeadership(null, settings.electionTimeoutMax().multipliedBy(2).toMillis());
                    }
                } else {
                    client.getLeaderElectionManagementApi(self).resume();
                }
            } catch (IOException | RuntimeException e) {
                LOG.info("raft replica {}: could not {} its leader elections: {}", self, unhealthy ? "pause" : "resume",
                        e.toString());
            }
        }, "orch-raft-leadership-" + self);
        t.setDaemon(true);
        t.start();
    }

    /** Called under {@link #storageLock}. */
    private void setStorageProblem(String problem) {
        boolean changed = (problem == null) != (storageProblem == null);
        storageProblem = problem;
        if (changed) {
            stayOutOfLeadership(problem != null);
            for (Consumer<Optional<String>> l : storageListeners) {
                try {
                    l.accept(Optional.ofNullable(problem));
                } catch (RuntimeException e) {
                    LOG.warn("storage health listener failed", e);
                }
            }
        }
    }

    /**
     * Samples this replica's leader contact a few times per election timeout. Ratis steps a leader
     * down once it has not heard from a quorum for an election timeout, but a proposal it held
     * (or one sent afterwards) is then retried by the client until the propose timeout: without
     * this watch the first write after losing quorum waited the whole 10 s, the next ones failed
     * at once (the check in {@link #propose}).
     */
    private ScheduledExecutorService startContactWatch() {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.factory("orch-raft-contact-" + self));
        timer.schedule(() -> watchLeaderContactAndReschedule(timer), contactWatchPeriod(settings, false), TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(this::watchStorage, 0, STORAGE_CHECK.toMillis(), TimeUnit.MILLISECONDS);
        return timer;
    }

    /**
     * Milliseconds between two samples of the leader contact: a quarter of the minimum election
     * timeout while it matters (proposals wait, or no leader has been in view for part of an
     * election timeout), the whole minimum election timeout while all is calm. A leader that dies
     * leaves its followers in contact with it, with a growing age, for at least the minimum election
     * timeout before they stand for election, so even the calm rate sees that last contact exactly;
     * the calm rate is what a node at rest pays (2.5 samples a second with the default 400 ms, 10 before).
     */
    static long contactWatchPeriod(RaftSettings settings, boolean busy) {
        long calm = Math.max(10, settings.electionTimeoutMin().toMillis());
        return busy ? Math.max(10, calm / 4) : calm;
    }

    private void watchLeaderContactAndReschedule(ScheduledExecutorService timer) {
        boolean busy = watchLeaderContact();
        try {
            timer.schedule(() -> watchLeaderContactAndReschedule(timer), contactWatchPeriod(settings, busy), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed
        }
    }

    /** One sample; true while it matters (proposals wait, or the leader contact is getting old). */
    private boolean watchLeaderContact() {
        try {
            if (division == null || closed || failure.get() != null) {
                return false;
            }
            Duration since = sinceLeaderContact(); // samples the leaderless clock
            if (!pending.isEmpty() && leaderlessTooLong(System.nanoTime())) {
                NoQuorumException lost = noQuorum(null);
                for (InFlight p : pending) {
                    p.fail(lost); // it may still commit if a leader holds it already, as after any timeout
                }
            }
            // later than a heartbeat interval (half the minimum election timeout): the leader may be gone
            return !pending.isEmpty() || since.compareTo(settings.electionTimeoutMin().dividedBy(2)) > 0;
        } catch (RuntimeException e) {
            LOG.debug("{}: leader contact not sampled", self, e);
            return true;
        }
    }

    /** No leader in view for longer than a failover (with one split vote) takes. */
    private boolean leaderlessTooLong(long nowNanos) {
        return leaderless.leaderlessFor(nowNanos).compareTo(RatisProperties.leaderlessAllowance(settings)) > 0;
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

    private RaftPeerId leaderHint() {
        RaftPeerId leader = division.getInfo().getLeaderId();
        return leader != null ? leader : self;
    }

    /**
     * Retries (through leader changes) for about the propose timeout; the client's retry cache
     * makes a retried request commit at most once while the leader stays the same.
     */
    private RetryPolicy clientRetryPolicy() {
        int attempts = (int) Math.max(1, settings.proposeTimeout().toMillis() / CLIENT_RETRY_SLEEP.toLong(TimeUnit.MILLISECONDS));
        return RetryPolicies.retryUpToMaximumCountWithFixedSleep(attempts, CLIENT_RETRY_SLEEP);
    }

    /**
     * Follows redirects to the leader (and waits out an election) for about the membership timeout,
     * but gives up at once when the leader answered that the change failed or collides with another:
     * retrying a change whose new voter cannot catch up only repeats the wait.
     */
    private RetryPolicy adminRetryPolicy() {
        int attempts = (int) Math.max(1, membershipTimeout().toMillis() / CLIENT_RETRY_SLEEP.toLong(TimeUnit.MILLISECONDS));
        RetryPolicy followLeader = RetryPolicies.retryUpToMaximumCountWithFixedSleep(attempts, CLIENT_RETRY_SLEEP);
        return ExceptionDependentRetry.newBuilder()
                .setDefaultPolicy(followLeader)
                .setExceptionToPolicy(ReconfigurationTimeoutException.class, RetryPolicies.noRetry())
                .setExceptionToPolicy(ReconfigurationInProgressException.class, RetryPolicies.noRetry())
                .setExceptionToPolicy(SetConfigurationException.class, RetryPolicies.noRetry())
                .setMaxAttempts(attempts)
                .build();
    }

    /**
     * Completes with the command's {@link ApplyResult} once it is committed (fsynced on a quorum),
     * applied by the leader and applied on this replica (so a read of the local store that follows
     * sees it; if this replica lags by more than the propose timeout, the committed result comes
     * back anyway). Completes exceptionally with {@link ProposalFailedException}, or its
     * {@link NoQuorumException} when no leader is reachable: at once when this replica has known no
     * leader for four maximum election timeouts (enough for a normal failover, including a split
     * vote), as soon as that much time has passed without a leader while the proposal waits, else
     * when the propose timeout passes. Completes on a Ratis client thread: keep
     * dependent actions short. A command larger than one log entry may carry
     * ({@link RatisProperties#PROPOSAL_MAX_BYTES}) is refused at once: the store's own caps keep
     * its transactions well below, so this only guards against a writer that went around them.
     * After a failed proposal, the next one goes through a new Ratis client
     * ({@link MembershipFollowingClient#renew}).
     */
    @Override
    public CompletableFuture<ApplyResult> propose(StoreCommand command) {
        byte[] sealed = seal.seal(command.toByteArray());
        int size = sealed.length;
        if (size > RatisProperties.PROPOSAL_MAX_BYTES) {
            return CompletableFuture.failedFuture(new ProposalFailedException("an entry of " + size
                    + " bytes is more than one Raft log entry may carry (" + RatisProperties.PROPOSAL_MAX_BYTES
                    + " bytes)", null));
        }
        return proposeSealed(sealed);
    }

    /** {@link #propose} without its size check: tests hand Ratis an entry it refuses through this. */
    CompletableFuture<ApplyResult> proposeAnySize(StoreCommand command) {
        return proposeSealed(seal.seal(command.toByteArray()));
    }

    private CompletableFuture<ApplyResult> proposeSealed(byte[] sealed) {
        Optional<ProposalFailedException> refused = refusal();
        if (refused.isPresent()) {
            return CompletableFuture.failedFuture(refused.get());
        }
        // sinceLeaderContact() samples the clock first: a replica that has just found its leader (a
        // voter added a moment ago) is not refused on the contact watch's last sample
        if (sinceLeaderContact().compareTo(RatisProperties.leaderlessAllowance(settings)) > 0
                || leaderlessTooLong(System.nanoTime())) {
            return CompletableFuture.failedFuture(noQuorum(null));
        }
        Optional<ProposalFailedException> crowded = admission.tryAdmit();
        if (crowded.isPresent()) {
            return CompletableFuture.failedFuture(crowded.get());
        }
        long sent = System.nanoTime();
        long deadline = sent + settings.proposeTimeout().toNanos();
        InFlight proposal;
        CompletableFuture<RaftClientReply> reply;
        try {
            MembershipFollowingClient through = clients;
            proposal = new InFlight(new CompletableFuture<>(), through, through.get());
        } catch (RuntimeException e) {
            admission.release();
            return CompletableFuture.failedFuture(new ProposalFailedException("raft client refused the proposal", e));
        }
        CompletableFuture<ApplyResult> result = proposal.result();
        pending.add(proposal);
        result.whenComplete((r, e) -> pending.remove(proposal));
        try {
            reply = proposal.client().async().send(Message.valueOf(UnsafeByteOperations.unsafeWrap(sealed)));
        } catch (RuntimeException e) {
            admission.release();
            proposal.fail(new ProposalFailedException("raft client refused the proposal", e));
            return result;
        }
        reply.whenComplete((r, e) -> admission.release());
        reply.orTimeout(settings.proposeTimeout().toMillis(), TimeUnit.MILLISECONDS).whenComplete((r, error) -> {
            if (error != null) {
                proposal.fail(failure(unwrap(error)));
            } else if (!r.isSuccess()) {
                result.completeExceptionally(failure(r.getException()));
            } else {
                ApplyResult applied = ApplyResultCodec.decode(r.getMessage());
                long leftMillis = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
                stateMachine.whenApplied(applied.index()).orTimeout(leftMillis, TimeUnit.MILLISECONDS)
                        .whenComplete((ignored, lagging) -> {
                            if (lagging != null) {
                                LOG.debug("{}: entry {} committed but not yet applied here", self, applied.index());
                            }
                            reportLatency(System.nanoTime() - sent);
                            result.complete(applied);
                        });
            }
        });
        return result;
    }

    /** A proposal sent through {@code client} of {@code through}, not answered yet. */
    private record InFlight(CompletableFuture<ApplyResult> result, MembershipFollowingClient through, RaftClient client) {
        /**
         * Fails the proposal, and first drops the client it went through (which may still be
         * retrying it, or be dead for good): the caller's next proposal must find a new one.
         */
        void fail(ProposalFailedException why) {
            through.renew(client, why);
            result.completeExceptionally(why);
        }
    }

    private Optional<ProposalFailedException> refusal() {
        if (failure.get() != null) {
            return Optional.of(new ProposalFailedException("raft replica stopped after it failed to apply an entry",
                    failure.get()));
        }
        if (closed || clients == null) {
            return Optional.of(new ProposalFailedException(
                    closed ? "raft proposer is closed" : "raft proposer not started", null));
        }
        String problem = storageProblem;
        if (problem != null) {
            return Optional.of(new StorageUnavailableException(problem));
        }
        return Optional.empty();
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    private ProposalFailedException failure(Throwable cause) {
        if (sinceLeaderContact().compareTo(settings.electionTimeoutMax()) > 0) {
            return noQuorum(cause);
        }
        if (cause instanceof TimeoutException) {
            return new ProposalFailedException("not committed within " + settings.proposeTimeout()
                    + " (leader known: " + leaderId().orElse("none") + ")", cause);
        }
        return new ProposalFailedException("not committed: " + cause, cause);
    }

    private NoQuorumException noQuorum(Throwable cause) {
        int voters = votersCount();
        return new NoQuorumException(LeaderContact.quorum(voters), voters, cause);
    }

    private int votersCount() {
        try {
            return requireStarted().getRaftConf().getCurrentPeers().size();
        } catch (RuntimeException e) {
            return settings.peers().size();
        }
    }

    /** How long this replica has had no live leader in view (zero while it has one). */
    private Duration sinceLeaderContact() {
        RaftServer.Division d = division;
        if (d == null || closed || failure.get() != null) {
            return NO_CONTACT;
        }
        try {
            // one read of the role serves both: the answer, and a sample for the leaderless clock
            RoleInfoProto role = d.getInfo().getRoleInfoProto();
            int voters = d.getRaftConf().getCurrentPeers().size();
            leaderless.observe(System.nanoTime(), LeaderContact.contactAge(role, voters));
            return LeaderContact.sinceLeaderContact(role, voters, stateMachine.longLeaderless());
        } catch (RuntimeException e) {
            LOG.debug("{}: no role info", self, e);
            return NO_CONTACT;
        }
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
        return d != null && !closed && failure.get() == null && d.getInfo().isLeaderReady();
    }

    /** Told the current state at once, then true when this replica becomes a ready leader and false when it stops. */
    @Override
    public void onLeadershipChange(Consumer<Boolean> listener) {
        leadership.add(listener);
    }

    /**
     * The leader this replica is in contact with (its node id; this replica's own when it leads),
     * or empty when there is none: an election is under way or too few managers are reachable.
     */
    public Optional<String> leaderId() {
        RaftServer.Division d = division;
        if (d == null || sinceLeaderContact().compareTo(settings.electionTimeoutMax()) > 0) {
            return Optional.empty();
        }
        return Optional.ofNullable(d.getInfo().getLeaderId()).map(RaftPeerId::toString);
    }

    /**
     * On the leader: every other replica it replicates to (voters, and one being added), with the
     * time since it last answered. Empty on any other replica. A follower that has not answered
     * for longer than the maximum election timeout is unreachable.
     */
    public Map<String, Duration> followerLastContact() {
        RaftServer.Division d = division;
        if (d == null || closed || failure.get() != null) {
            return Map.of();
        }
        RoleInfoProto role = d.getInfo().getRoleInfoProto();
        return LeaderContact.followerLastContact(role);
    }

    /**
     * Adds a voter through Raft (joint consensus); may be called on any replica (the request goes to
     * the leader). The new replica must already be running with this group id and a peer list
     * naming the current voters but not itself ({@link RaftSettings#joining}), so it waits for
     * the leader instead of asking for votes (which gets it shut down). Returns once the new configuration is committed and
     * this replica knows it; fails (IOException) if the new replica does not catch up, e.g. when it
     * is unreachable or its certificate is refused. Idempotent.
     */
    public void addVoter(String nodeId, String advertiseAddress) throws IOException {
        setConfiguration(SetConfigurationRequest.Arguments.newBuilder()
                .setServersInNewConf(List.of(peer(nodeId, advertiseAddress)))
                .setMode(SetConfigurationRequest.Mode.ADD)
                .build());
        awaitLocalVoters(voters -> voters.containsKey(nodeId), "add " + nodeId);
    }

    /**
     * Removes a voter (compare-and-set against the voters this replica knows, retried when that
     * view was behind the leader's). Removing the leader makes it step down. Idempotent.
     */
    public void removeVoter(String nodeId) throws IOException {
        for (int attempt = 1; ; attempt++) {
            List<RaftPeer> current = new ArrayList<>(requireStarted().getRaftConf().getCurrentPeers());
            List<RaftPeer> remaining = current.stream().filter(p -> !p.getId().toString().equals(nodeId)).toList();
            if (remaining.size() == current.size()) {
                return;
            }
            try {
                setConfiguration(SetConfigurationRequest.Arguments.newBuilder()
                        .setServersInCurrentConf(current)
                        .setServersInNewConf(remaining)
                        .setMode(SetConfigurationRequest.Mode.COMPARE_AND_SET)
                        .build());
                break;
            } catch (IOException e) {
                if (attempt >= MEMBERSHIP_CAS_ATTEMPTS) {
                    throw e;
                }
                LOG.info("removing voter {} failed ({}); retrying with a fresh view of the voters", nodeId, e.getMessage());
                awaitLocalVoters(voters -> false, null); // give the local configuration time to catch up
            }
        }
        if (!self.toString().equals(nodeId)) {
            awaitLocalVoters(voters -> !voters.containsKey(nodeId), "remove " + nodeId);
        }
    }

    /**
     * The blocking admin call runs on its own thread so a change that can never complete (the
     * Ratis client retries for a long time) still fails within {@link #membershipTimeout()}.
     */
    /**
     * The configuration's peers, with this replica at the address it has now: a manager restarted
     * on another address (a new --listen-addr) still reaches itself. (The other replicas keep
     * dialling the address in the configuration: Ratis 3.1 does not re-address a peer in place, so
     * a manager of a multi-manager cluster must keep its address, as in Swarm.)
     */
    private Collection<RaftPeer> peersAsDialled() {
        Collection<RaftPeer> known = division.getRaftConf().getAllPeers();
        if (known.isEmpty()) {
            return joiningPeers; // not added yet: the group's voters as the join named them
        }
        return known.stream()
                .map(p -> p.getId().equals(self) && !p.getAddress().equals(settings.advertiseAddress())
                        ? peer(self.toString(), settings.advertiseAddress()) : p)
                .toList();
    }

    private void setConfiguration(SetConfigurationRequest.Arguments arguments) throws IOException {
        requireStarted();
        CompletableFuture<RaftClientReply> call = new CompletableFuture<>();
        Thread caller = new Thread(() -> {
            try {
                call.complete(adminClients.get().admin().setConfiguration(arguments));
            } catch (IOException | RuntimeException e) {
                call.completeExceptionally(e);
            }
        }, "orch-raft-membership-" + self);
        caller.setDaemon(true);
        caller.start();
        RaftClientReply reply;
        try {
            reply = call.get(membershipTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while changing the raft membership");
        } catch (TimeoutException e) {
            caller.interrupt();
            throw new IOException("membership change not committed within " + membershipTimeout()
                    + " (voters " + voters().keySet() + ", leader " + leaderId().orElse("none") + ")", e);
        } catch (ExecutionException e) {
            throw new IOException("membership change failed: " + e.getCause(), e.getCause());
        }
        if (!reply.isSuccess()) {
            throw new IOException("membership change failed: " + reply.getException(), reply.getException());
        }
    }

    /** Long enough for a new replica to catch up on a normal log; a snapshot install may take part of it. */
    private Duration membershipTimeout() {
        return settings.proposeTimeout().multipliedBy(4);
    }

    private void awaitLocalVoters(java.util.function.Predicate<Map<String, String>> condition, String change)
            throws IOException {
        Duration wait = change == null ? settings.electionTimeoutMax() : settings.proposeTimeout();
        try {
            if (!stateMachine.awaitCondition(() -> condition.test(voters()), wait) && change != null) {
                throw new IOException("membership change (" + change + ") committed but not yet seen by replica "
                        + self + " after " + wait);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the raft membership");
        }
    }

    /** The voters in the current configuration as this replica knows it, id to advertise address. */
    public Map<String, String> voters() {
        Map<String, String> voters = new TreeMap<>();
        requireStarted().getRaftConf().getCurrentPeers().forEach(p -> voters.put(p.getId().toString(), p.getAddress()));
        return voters;
    }

    /** Started, not closed, not stopped by a failure, and not closed by Ratis itself (e.g. told to shut down). */
    @Override
    public boolean isRunning() {
        RaftServer.Division d = division;
        return d != null && !closed && failure.get() == null && d.getInfo().isAlive();
    }

    /**
     * What this replica knows of its log, for metrics: indexes from Ratis' memory, sizes from the
     * group directory (a listing of a few files). {@link RaftStats#NONE} before start, after close.
     */
    public RaftStats stats() {
        RaftServer.Division d = division;
        RatisStateMachine sm = stateMachine;
        if (d == null || sm == null || closed) {
            return RaftStats.NONE;
        }
        Path groupDir = settings.storageDir().resolve(settings.groupId().getUuid().toString());
        var snapshot = sm.getLatestSnapshot();
        long snapshotBytes = snapshot == null ? 0 : RaftStats.sizeOf(snapshot.getFile().getPath());
        return new RaftStats(isLeader(), d.getRaftLog().getLastCommittedIndex(), d.getInfo().getLastAppliedIndex(),
                leaderChanges.get(), RaftStats.logBytes(groupDir.resolve("current")), snapshotBytes);
    }

    /** Index of the last entry applied on this replica (configuration entries included). */
    public long lastAppliedIndex() {
        return requireStarted().getInfo().getLastAppliedIndex();
    }

    /** Milliseconds the last {@link #start} took, or -1. */
    public long startMillis() {
        return startMillis;
    }

    /**
     * Why this replica stopped itself (fail-stop after the applier threw), if it did. The process
     * should then exit or at least stop serving as a manager: its store may differ from the others.
     */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure.get());
    }

    /** Called once, on a Raft thread, when this replica stops itself (see {@link #failure()}). */
    public void onFailure(Consumer<Throwable> listener) {
        failureListeners.add(listener);
        Throwable already = failure.get();
        if (already != null) {
            listener.accept(already);
        }
    }

    private void failStop(Throwable error) {
        if (!failure.compareAndSet(null, error)) {
            return;
        }
        leadership.publish(false);
        for (Consumer<Throwable> listener : failureListeners) {
            try {
                listener.accept(error);
            } catch (RuntimeException e) {
                LOG.error("failure listener failed", e);
            }
        }
        // Ratis closes this replica's division itself once the exception leaves applyTransaction;
        // closing the whole server before that races with it (its updater then spins). So: after.
        stateMachine.closed().orTimeout(settings.startTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((ignored, timeout) -> {
                    Thread stopper = DaemonThreads.start("orch-raft-fail-stop-" + self, this::closeQuietly);
                });
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
        if (contactWatch != null) {
            contactWatch.shutdownNow();
        }
        IOException failed = null;
        for (MembershipFollowingClient c : new MembershipFollowingClient[] {clients, adminClients}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (IOException e) {
                failed = e;
            }
        }
        try {
            if (server != null) {
                server.close();
            }
        } catch (IOException e) {
            if (failed == null) {
                failed = e;
            } else {
                failed.addSuppressed(e);
            }
        }
        leadership.close();
        if (failed != null) {
            throw failed;
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (IOException | RuntimeException e) {
            LOG.warn("closing raft replica {}", self, e);
        }
    }

    private static RaftPeer peer(String id, String address) {
        HostPort.parse(address);
        return RaftPeer.newBuilder().setId(id).setAddress(address).build();
    }
}
