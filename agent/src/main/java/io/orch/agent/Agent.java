package io.orch.agent;

import io.orch.api.concurrent.DaemonThreads;
import io.orch.agent.api.ApiException;
import io.orch.agent.api.ApiServer;
import io.orch.agent.api.SwarmMembership;
import io.orch.agent.join.JoinClient;
import io.orch.agent.worker.PersistedTasks;
import io.orch.agent.worker.Worker;
import io.orch.agent.manager.NodeRegistrar;
import io.orch.agent.metrics.AgentMetrics;
import io.orch.agent.pki.ExpiredCertificateProof;
import io.orch.agent.pki.LiveCredentials;
import io.orch.agent.pki.LiveRevocations;
import io.orch.agent.pki.TlsSessionTickets;
import io.orch.agent.pki.NodeCredentials;
import io.orch.agent.renewal.CertificateRenewer;
import io.orch.agent.seal.NodeKeyLock;
import io.orch.agent.seal.StoreKeyFile;
import io.orch.agent.seal.StoreKeyTransfer;
import io.orch.agent.seal.UnlockKey;
import io.orch.raft.seal.SealKey;
import io.orch.agent.pki.NodeRole;
import io.orch.agent.pki.RootCa;
import io.orch.agent.net.NodeNetworking;
import io.orch.runtime.ContainerRuntime;
import io.orch.runtime.RuntimeRegistry;
import io.orch.runtime.image.ImageStore;
import io.orch.runtime.docker.DockerRuntime;
import io.orch.runtime.process.ProcessRuntime;
import io.orch.runtime.runc.RuncRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One orch node. Every node runs tasks (its worker); a manager also holds a replica of the
 * cluster store and, while it leads, the control loops ({@link ManagerNode}); a worker-only node
 * gets its work through a dispatcher session instead ({@link WorkerNode}). Started by `orch init`
 * (create or resume) and `orch join`; {@link #close()} stops it cleanly and leaves the node's
 * tasks running for the next agent process to re-attach.
 */
public final class Agent implements AutoCloseable {
    static {
        // before any TLS context exists: revoked peers' sessions must be forgettable
        TlsSessionTickets.useServerSessionCache();
    }

    public static final String VERSION = Optional.ofNullable(Agent.class.getPackage().getImplementationVersion()).orElse("0.1.0");
    private static final Logger log = LoggerFactory.getLogger(Agent.class);

    private final AgentConfig config;
    private final Clock clock = Clock.systemUTC();
    private final AgentMetrics metrics = new AgentMetrics();
    private final AtomicBoolean closed = new AtomicBoolean();
    // runtimes, networking and context: set once by startAll(), before the agent is handed out or any
    // role callback is registered, and never changed after: read without a lock
    private RuntimeRegistry runtimes;
    private NodeNetworking networking;
    /** Set by running() at start, then only under {@code this} (switchRole, promote, leaveSwarm); volatile for manager(). */
    private volatile RunningRole node;
    private NodeContext context;
    /** Set by running() at start; switchRole and promote store the same one again, so nodeId() needs no lock. */
    private ClusterIdentity identity;
    /**
     * This node's certificate for the whole run: set once at start (create, join, resume), then
     * replaced under {@code this} by role switches and renewals. Volatile: roleWanted() reads it
     * without the lock, on the thread that asks; switchRole checks it again under the lock.
     */
    private volatile LiveCredentials credentials;
    /** Renews the certificate before it expires; started once the node runs its first role. */
    private volatile CertificateRenewer renewer;
    /** Follows the cluster's root CAs (a root rotation); made with the renewer. */
    private volatile RootTrustFollower trustFollower;
    /** Role changes (promote/demote) run here, one at a time, never on the threads that asked. */
    private final java.util.concurrent.ExecutorService roleSwitcher = java.util.concurrent.Executors.newSingleThreadExecutor(DaemonThreads.factory("orch-role-switch"));
    private final java.util.concurrent.atomic.AtomicBoolean switching = new java.util.concurrent.atomic.AtomicBoolean();
    /** Why the last role switch could not happen: logged once, not on every retry. Only the role-switch thread uses it. */
    private volatile String lastSwitchFailure;

    private final SwarmMembership membership;
    /** The unlock key an operator gave a locked manager (autolock), to open its store key file; else empty. */
    private final Optional<UnlockKey> unlock;

    private Agent(AgentConfig config, SwarmMembership membership, Optional<UnlockKey> unlock) {
        this.config = config;
        this.membership = membership;
        this.unlock = unlock;
    }

    /** Starts this node in {@code config.dataDir()}: creates, joins or resumes its cluster. */
    public static Agent start(AgentConfig config, PrintWriter out) throws Exception {
        return start(config, out, SwarmNode.CANNOT_LEAVE);
    }

    /** @param membership what this node's API calls for `docker swarm leave` (see {@link SwarmNode}) */
    public static Agent start(AgentConfig config, PrintWriter out, SwarmMembership membership) throws Exception {
        return start(config, out, membership, Optional.empty());
    }

    /** @param unlock opens a manager's store key file encrypted under autolock (`docker swarm unlock`) */
    static Agent start(AgentConfig config, PrintWriter out, SwarmMembership membership, Optional<UnlockKey> unlock)
            throws Exception {
        JvmSafetyFlags.missing().forEach(problem -> log.warn("{} (the orch launcher sets it)", problem));
        Agent agent = new Agent(config, membership, unlock);
        try {
            agent.startAll(out);
            return agent;
        } catch (Exception | Error e) {
            agent.close();
            throw e;
        }
    }

    /**
     * Before any task is re-attached or started: each runtime removes what an earlier agent left
     * of tasks this node no longer has handles of (killed while removing them, say).
     */
    private void sweepLeftovers(Path dataDir) {
        Set<String> known;
        try {
            known = PersistedTasks.taskIds(dataDir);
        } catch (IOException e) {
            log.warn("leftovers of earlier tasks not swept: this node's task handles cannot be read: {}", e.toString());
            return;
        }
        for (ContainerRuntime runtime : runtimes.all()) {
            try {
                runtime.sweepLeftovers(known, PersistedTasks.tasksDir(dataDir));
            } catch (RuntimeException e) {
                log.warn("the {} runtime's sweep of leftovers failed: {}", runtime.name(), e.toString());
            }
        }
    }

    private void startAll(PrintWriter out) throws Exception {
        Optional<ClusterIdentity> existing = Files.isDirectory(config.dataDir())
                ? ClusterIdentity.load(config.dataDir()) : Optional.empty();
        if (existing.isEmpty() && config.join() == null && !config.forceNewCluster()) {
            RaftPort.checkFree(config); // a new cluster's first manager: refused before anything is made
        }
        if (existing.isEmpty() && Files.isDirectory(config.dataDir())) {
            // no identity file, no swarm: a node certificate or Raft log here is what an init
            // that failed part-way (or was killed) left; the next one starts clean
            SwarmState.removeUnfinished(config.dataDir());
        }
        // a join is asked for before anything is created or logged: a refused one leaves nothing
        // behind and prints one line
        JoinClient.Joined joined = existing.isEmpty() && config.join() != null ? askToJoin() : null;

        Path dataDir = prepareDataDir(config.dataDir());
        ImageStore images = new ImageStore(dataDir.resolve("images"));
        // runc is preferred where it works (root + runc installed); see RuntimeRegistry.PREFERENCE
        RuncRuntime runc = new RuncRuntime(dataDir, images);
        // each timed (orch_runtime_operation_seconds); networking keeps the runc driver itself
        runtimes = new RuntimeRegistry(List.of(metrics.timed(new ProcessRuntime()), metrics.timed(runc),
                metrics.timed(new DockerRuntime(DockerRuntime.socketFrom(System.getenv()), images))), config.runtime());
        runtimes.defaultRuntime(); // fails with the reason when the requested runtime cannot run here
        sweepLeftovers(dataDir);
        networking = NodeNetworking.forNode(config.advertiseHost(), new NodeNetworking.Containers() {
            @Override
            public boolean hasContainer(String taskId) {
                return runc.inspect(taskId).isPresent();
            }

            @Override
            public Optional<String> bridgeAddressOf(String taskId) {
                return runc.bridgeAddressOf(taskId);
            }

            @Override
            public List<String> dnsNameservers(String taskId) {
                return runc.dnsNameserversOf(taskId);
            }
        });
        runc.useOverlays(networking);
        context = new NodeContext(config, dataDir, clock, metrics, runtimes, images, VERSION, networking, membership,
                new NodeKeyLock(NodeCredentials.directoryIn(dataDir), unlock));

        if (existing.isPresent()) {
            resume(context, existing.get(), out);
        } else if (joined != null) {
            join(context, joined, out);
        } else {
            if (config.forceNewCluster()) {
                throw new IllegalArgumentException("--force-new-cluster: " + dataDir
                        + " holds no cluster to recover (use the data directory of a surviving manager)");
            }
            create(context, out);
        }
    }

    private JoinClient.Joined askToJoin() throws JoinClient.JoinRefusedException {
        // runtimes and images are reported by the node's first dispatcher session (or registration)
        return JoinClient.join(config.join().token(), config.join().manager().host(), config.join().manager().port(),
                config.hostname(), config.advertisedListenAddr().toString(), config.advertisedGossipAddr().toString(),
                List.of(), NodeRegistrar.describe(config.hostname(), VERSION));
    }

    /** `orch init` on an empty data directory: a new cluster, with its root CA, and this node its first manager. */
    private void create(NodeContext context, PrintWriter out) throws Exception {
        ClusterIdentity identity = ClusterIdentity.fresh();
        RootCa ca = RootCa.create(identity.clusterId());
        NodeCredentials issued = NodeCredentials.selfIssued(ca, identity.nodeId(), NodeRole.MANAGER,
                List.of(config.advertiseHost()));
        ManagerNode manager;
        try {
            java.security.SecureRandom random = new java.security.SecureRandom();
            // --autolock: the unlock key is made first, so the key files are encrypted from their first write
            Optional<UnlockKey> autolock = config.autolock() ? Optional.of(UnlockKey.generate(random)) : Optional.empty();
            context.nodeKey().save(issued, autolock);
            // the cluster's store key: every manager's log and snapshots are sealed with it
            SealKey storeKey = SealKey.generate(random);
            StoreKeyFile.save(context.dataDir(), storeKey, autolock);
            credentials = LiveCredentials.of(issued, new LiveRevocations(clock));
            manager = ManagerNode.create(context, identity, credentials, ca, storeKey, autolock);
            // last, once the cluster exists: its presence is what makes the next start resume
            identity.save(context.dataDir());
        } catch (Exception | Error e) {
            // a failed init leaves nothing: the next one starts from an empty swarm state
            try {
                SwarmState.removeUnfinished(context.dataDir());
            } catch (IOException again) {
                log.warn("could not remove what the failed init left in {}: {}", context.dataDir(), again.toString());
            }
            throw e;
        }
        running(manager, identity);
        manager.announceNewCluster(out);
        announceApi(config, out);
    }

    /** `orch join`: get a certificate from a manager, then run as the worker or manager the token made us. */
    private void join(NodeContext context, JoinClient.Joined joined, PrintWriter out) throws Exception {
        Optional<SealKey> storeKey = StoreKeyTransfer.decode(joined.response().getStoreKey());
        if (joined.credentials().role() == NodeRole.MANAGER && storeKey.isEmpty()) {
            throw new IOException("the manager " + config.join().manager() + " sent no store key with this node's manager "
                    + "certificate: it runs an orch that keeps the store in clear; upgrade it first");
        }
        ClusterIdentity identity = new ClusterIdentity(joined.response().getClusterId(), joined.response().getNodeId());
        ClusterPeers peers = new ClusterPeers(joined.response().getGossipKey().toByteArray(),
                joined.response().getManagersMap(), joined.response().getGossipSeedsList());
        // an autolocked cluster's new manager writes its key files encrypted from the start
        Optional<UnlockKey> autolock = autolockOf(joined);
        context.nodeKey().save(joined.credentials(), autolock);
        peers.save(context.dataDir());
        identity.save(context.dataDir());
        credentials = LiveCredentials.of(joined.credentials(), new LiveRevocations(clock));
        if (joined.credentials().role() == NodeRole.MANAGER) {
            RaftPort.checkFree(config);
            StoreKeyFile.save(context.dataDir(), storeKey.get(), autolock);
            running(ManagerNode.join(context, identity, credentials, joined.response().getRaftVotersMap(),
                    config.join().manager().toString(), storeKey.get()), identity);
            out.printf("This node joined a swarm as a manager (node %s).%n", identity.nodeId());
        } else {
            running(WorkerNode.start(context, identity, credentials, peers), identity);
            out.printf("This node joined a swarm as a worker (node %s).%n", identity.nodeId());
        }
        announceApi(config, out);
    }

    /** The unlock key a manager's join or promotion answer carries while autolock is on; a worker gets none. */
    private static Optional<UnlockKey> autolockOf(JoinClient.Joined answer) {
        if (answer.credentials().role() != NodeRole.MANAGER || answer.response().getManagerUnlockKey().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(UnlockKey.ofBytes(answer.response().getManagerUnlockKey().toByteArray()));
    }

    private void resume(NodeContext context, ClusterIdentity identity, PrintWriter out) throws Exception {
        // an autolocked manager's key is sealed: opened with the unlock key the operator gave
        NodeCredentials saved = context.nodeKey().load()
                .orElseThrow(() -> new IOException(context.dataDir() + " holds cluster " + identity.clusterId()
                        + " but no node certificate (" + NodeCredentials.directoryIn(context.dataDir())
                        + "); it was made by an older orch: start this node from an empty --data-dir"));
        if (config.join() != null) {
            out.printf("This node is already part of cluster %s; resuming it (the join token is not used).%n",
                    identity.clusterId());
        }
        if (config.autolock()) {
            out.printf("--autolock is for a new cluster and is not applied on a resume; use `orch cluster update --autolock=true`.%n");
        }
        if (saved.expiredAt(clock.instant())) {
            log.warn("this node's certificate expired at {}: it renews it at once by proving to a manager that it holds "
                    + "its key (accepted for {} days after the expiry; a manager that no other manager renews issues its own)",
                    saved.notAfter(), ExpiredCertificateProof.GRACE.toDays());
        }
        credentials = LiveCredentials.of(saved, new LiveRevocations(clock));
        if (saved.role() == NodeRole.MANAGER) {
            // a peers file of an older orch held the gossip key in clear: rewritten without it (a
            // manager reads the key from its store, and needs nothing else of that file to start)
            try {
                ClusterPeers.load(context.dataDir());
            } catch (IOException | RuntimeException e) {
                log.warn("{} could not be read to remove a gossip key an older orch kept there: {}", ClusterPeers.FILE,
                        e.toString());
            }
            RaftPort.checkFree(config);
            running(ManagerNode.resume(context, identity, credentials, config.forceNewCluster(), storeKey()), identity);
        } else {
            if (config.forceNewCluster()) {
                throw new IllegalArgumentException("--force-new-cluster: this node is a worker; run it on a manager's data directory");
            }
            // a promotion that died before it was saved left its key: a worker keeps none
            StoreKeyFile.delete(context.dataDir());
            ClusterPeers peers = ClusterPeers.load(context.dataDir()).orElseThrow(() -> new IOException(
                    context.dataDir() + " holds a worker without " + ClusterPeers.FILE + "; join it again from an empty --data-dir"));
            running(WorkerNode.start(context, identity, credentials, peers), identity);
        }
        out.printf("Resuming cluster %s as node %s (%s) from %s (the data directory already holds a cluster; no new cluster was created).%n",
                identity.clusterId(), identity.nodeId(), saved.role().name().toLowerCase(java.util.Locale.ROOT),
                config.dataDir());
        int reattached = node.reattached();
        if (reattached > 0) {
            out.printf("Re-attached to %d running task(s).%n", reattached);
        }
        announceApi(config, out);
    }

    /**
     * A resuming manager's store key, from its key file: in clear, or opened with the unlock key
     * under autolock. A data dir without one holds a store from before orch sealed it at rest (or
     * lost its key): refused, since a manager cannot read or write a store it has no key for.
     */
    private SealKey storeKey() throws Exception {
        Path dataDir = context.dataDir();
        if (!StoreKeyFile.exists(dataDir)) {
            throw new IOException("this manager has no store key (" + StoreKeyFile.path(dataDir) + "): its data directory "
                    + "was made by an orch that kept the store in clear, or the key was removed; join this node again "
                    + "from an empty --data-dir (see docs/security.md, \"Sealed at rest\")");
        }
        return StoreKeyFile.load(dataDir, unlock);
    }

    private void running(RunningRole started, ClusterIdentity id) {
        this.node = started;
        this.identity = id;
        started.onRoleWanted(this::roleWanted);
        if (renewer == null) {
            trustFollower = new RootTrustFollower(this, () -> node, credentials, context.nodeKey(),
                    () -> {
                        CertificateRenewer r = renewer;
                        if (r != null) {
                            r.wake();
                        }
                    });
            renewer = new CertificateRenewer(credentials,
                    new NodeCertificateRenewal(this, () -> node, credentials, context.nodeKey(), clock),
                    () -> {
                        RunningRole n = node;
                        return n != null ? n.clusterCertExpiry() : Optional.empty();
                    },
                    clock, () -> ThreadLocalRandom.current().nextDouble(), CertificateRenewer.RETRY)
                    .renewAtOnceWhen(trustFollower::mustRenew).start();
        }
        RootTrustFollower follower = trustFollower;
        started.onTrustRoots(follower::received);
    }

    /** The cluster wants this node in {@code role} (`node promote` / `node demote`); asked repeatedly until done. */
    private void roleWanted(NodeRole role) {
        if (role == credentials.current().role() || closed.get() || !switching.compareAndSet(false, true)) {
            return;
        }
        roleSwitcher.execute(() -> {
            try {
                switchRole(role);
                lastSwitchFailure = null;
            } catch (Exception e) {
                String why = "could not become a " + role.name().toLowerCase(java.util.Locale.ROOT) + " yet: " + e.getMessage();
                if (!why.equals(lastSwitchFailure)) { // asked again every heartbeat: say it once
                    log.warn(why);
                    lastSwitchFailure = why;
                }
            } finally {
                switching.set(false);
            }
        });
    }

    /**
     * Renews this node's certificate for its new role, stops the old role's parts and starts the
     * new ones. Tasks keep running throughout: the new role's worker re-attaches to them. A
     * promotion is checked first (the Raft port) and written to disk only once the manager runs:
     * one that fails puts the worker back as it was, and a restart in between resumes the worker.
     * A demotion is final once renewed: the leader has already taken the node out of the Raft group.
     */
    private synchronized void switchRole(NodeRole role) throws Exception {
        if (node == null || closed.get() || role == credentials.current().role()) {
            return;
        }
        if (role == NodeRole.MANAGER) {
            RaftPort.checkFree(config);
        }
        JoinClient.Joined renewed = JoinClient.renew(credentials.current(), node.renewThrough());
        if (renewed.credentials().role() != role || closed.get()) {
            return; // the operator changed their mind meanwhile
        }
        log.info("this node becomes a {}", role.name().toLowerCase(java.util.Locale.ROOT));
        Path raftDir = context.dataDir().resolve("raft");
        // gossip carries on across the switch: to the others this node never stops being ALIVE
        Gossip gossip = node.releaseGossip();
        closeQuietly(node);
        node = null;
        ClusterPeers peers = new ClusterPeers(renewed.response().getGossipKey().toByteArray(),
                renewed.response().getManagersMap(), renewed.response().getGossipSeedsList());
        if (Files.exists(raftDir)) {
            // a replica that left the group must not come back with its old log: set it aside
            Files.move(raftDir, context.dataDir().resolve("raft.left-" + System.currentTimeMillis()));
        }
        if (role == NodeRole.WORKER) {
            StoreKeyFile.delete(context.dataDir()); // a worker holds no replica, so no key to one
            context.nodeKey().save(renewed.credentials(), Optional.empty()); // a worker's key is in clear (no unlock key)
            credentials.replace(renewed.credentials());
            peers.save(context.dataDir());
            running(WorkerNode.start(context, identity, credentials, peers, gossip), identity);
        } else {
            promote(renewed, peers, gossip);
        }
        log.info("this node is now a {}", role.name().toLowerCase(java.util.Locale.ROOT));
    }

    private void promote(JoinClient.Joined renewed, ClusterPeers peers, Gossip gossip) throws Exception {
        ManagerNode started;
        NodeCredentials before = credentials.current();
        credentials.replace(renewed.credentials());
        try {
            // inside the try: a promotion without a key puts the worker back like any other failed one
            SealKey storeKey = StoreKeyTransfer.decode(renewed.response().getStoreKey()).orElseThrow(() -> new IOException(
                    "the manager sent no store key with this node's manager certificate: it runs an orch that keeps the "
                            + "store in clear; upgrade it first"));
            StoreKeyFile.save(context.dataDir(), storeKey, autolockOf(renewed));
            // another manager: the list names this node too once it is promoted (with the
            // manager address it had if it was a manager before), and nothing answers there yet
            String through = renewed.response().getManagersMap().entrySet().stream()
                    .filter(m -> !m.getKey().equals(identity.nodeId())).map(Map.Entry::getValue).findFirst()
                    .orElseThrow(() -> new IOException("the cluster named no other manager to join through"));
            started = ManagerNode.join(context, identity, credentials, renewed.response().getRaftVotersMap(),
                    through, gossip, storeKey);
        } catch (Exception e) {
            // the worker comes back with the certificate and peers it has on disk, and no store key
            StoreKeyFile.delete(context.dataDir());
            credentials.replace(before);
            ClusterPeers peersBefore = ClusterPeers.load(context.dataDir()).map(p -> p.withGossipKey(peers.gossipKey())).orElse(peers);
            running(WorkerNode.start(context, identity, credentials, peersBefore, gossip), identity);
            throw new IOException("the manager part did not start (" + e.getMessage() + "); the node stays a worker", e);
        }
        // only now is the node a manager for a restart to resume
        context.nodeKey().save(renewed.credentials(), autolockOf(renewed));
        peers.save(context.dataDir());
        running(started, identity);
    }

    /** Where the API listens, as the operator reads it at start. */
    static void announceApi(AgentConfig config, PrintWriter out) {
        if (config.apiSocket() != null) {
            out.printf("API listening on unix://%s%n", config.apiSocket());
        }
        if (config.apiAddr() != null) {
            out.printf("API listening on tcp://%s%s%n", config.apiAddr(),
                    config.apiTls() == null ? "" : " (TLS, client certificates required)");
        }
        out.flush();
    }

    static Path prepareDataDir(Path dir) throws IOException {
        Files.createDirectories(dir);
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: nothing to tighten
        }
        return dir.toRealPath();
    }

    /** This node's id in its swarm. */
    public String nodeId() {
        return identity.nodeId();
    }

    /** Refuses an unforced leave by a manager, with Docker's explanation of what it would cost. */
    synchronized void checkLeave(boolean force) throws ApiException {
        if (node != null) {
            node.checkLeave(force);
        }
    }

    /**
     * Leaves the swarm for good (`docker swarm leave`): the managers are told through gossip (the
     * node goes Down with "node left"), this node's tasks are stopped and removed, the agent
     * stops, and the swarm state is removed from the data directory (images stay, as with dockerd).
     *
     * @return the node's API, no longer listening but still answering the request that asked;
     *         the caller closes it once that answer is sent
     */
    ApiServer leaveSwarm() {
        Gossip gossip;
        Worker worker;
        ApiServer api;
        closeQuietly(renewer);
        closeQuietly(trustFollower);
        synchronized (this) {
            roleSwitcher.shutdownNow();
            api = node != null ? node.releaseApi() : null;
            if (api != null) {
                api.stopListening();
            }
            gossip = node != null ? node.releaseGossip() : null;
            worker = node != null ? node.worker() : null;
            closeQuietly(node);
            node = null;
        }
        if (worker != null) {
            int removed = worker.destroyAll(Duration.ofSeconds(10));
            log.info("left the swarm: removed {} task(s)", removed);
        }
        if (gossip != null) {
            try {
                gossip.membership().leave(Duration.ofSeconds(5)).get(6, TimeUnit.SECONDS);
            } catch (Exception e) {
                log.warn("the leave announcement did not complete: {}", e.toString());
            }
            closeQuietly(gossip);
        }
        networking.leaveSwarm(); // the routing mesh and outbound NAT go; a plain stop keeps them
        close();
        try {
            SwarmState.remove(context.dataDir());
        } catch (IOException e) {
            log.warn("could not remove the swarm state from {}: {}", context.dataDir(), e.toString());
        }
        return api;
    }

    /** The manager part of this node, or null on a worker-only node (tests use its store). */
    public ManagerNode manager() {
        RunningRole n = node;
        return n != null ? n.manager() : null;
    }

    AgentMetrics metrics() {
        return metrics;
    }

    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        roleSwitcher.shutdownNow();
        closeQuietly(renewer);
        closeQuietly(trustFollower);
        synchronized (this) {
            closeQuietly(node);
        }
        closeQuietly(networking);
        closeQuietly(runtimes);
        closeQuietly(metrics);
    }

    static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            log.warn("error while stopping {}: {}", c.getClass().getSimpleName(), e.toString());
        }
    }
}
