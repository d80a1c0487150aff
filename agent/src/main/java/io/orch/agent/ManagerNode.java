package io.orch.agent;

import io.orch.api.concurrent.Backoff;
import io.orch.agent.net.StoreNetworkMapSource;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.ssl.ClientAuth;
import io.orch.agent.api.ApiContext;
import io.orch.agent.api.ApiHandler;
import io.orch.agent.api.ApiServer;
import io.orch.agent.api.SwarmLifecycleRoutes;
import io.orch.agent.api.ApiServices;
import io.orch.agent.api.ManagerStatusView;
import io.orch.agent.api.NodeControl;
import io.orch.agent.api.RoleChangeHook;
import io.orch.agent.dispatch.DispatcherService;
import io.orch.agent.dispatch.NodeAuthenticator;
import io.orch.agent.join.JoinService;
import io.orch.agent.images.NodeImagesClient;
import io.orch.agent.images.NodeImagesService;
import io.orch.agent.logs.NodeLogsClient;
import io.orch.agent.logs.NodeLogsService;
import io.orch.agent.join.RaftMembership;
import io.orch.agent.loop.ControlLoop;
import io.orch.agent.loop.LoopDriver;
import io.orch.agent.manager.ClusterBootstrap;
import io.orch.agent.manager.IngressLoop;
import io.orch.agent.manager.NodeHealthLoop;
import io.orch.agent.manager.NodeRegistrar;
import io.orch.agent.manager.OwnRoleWatch;
import io.orch.agent.manager.RoleLoop;
import io.orch.agent.manager.RootRotationLoop;
import io.orch.agent.manager.TrustRootsWatch;
import io.orch.agent.manager.Orchestrator;
import io.orch.agent.manager.SchedulerLoop;
import io.orch.agent.manager.Updater;
import io.orch.agent.join.RenewalIssuer;
import io.orch.agent.pki.LiveCredentials;
import io.orch.agent.pki.NodeCertExpiry;
import io.orch.agent.pki.NodeCredentials;
import io.orch.agent.pki.NodeCsr;
import io.orch.agent.pki.NodeTlsInfo;
import io.orch.agent.pki.NodeRole;
import io.orch.agent.pki.RootCa;
import io.orch.agent.rpc.RpcServer;
import io.orch.agent.worker.Worker;
import io.orch.api.proto.AddVoterRequest;
import io.orch.api.proto.ManagerStatus;
import io.orch.api.proto.Node;
import io.orch.api.proto.NodeJoinGrpc;
import io.orch.agent.pki.PeerRevocation;
import io.orch.agent.manager.StoreRevocationFeed;
import io.orch.api.proto.NodeSpec;
import io.orch.agent.seal.StoreKeyFile;
import io.orch.raft.ratis.RaftSettings;
import io.orch.raft.seal.AesGcmSeal;
import io.orch.raft.seal.SealKey;
import io.orch.raft.ratis.RaftTls;
import io.orch.raft.ratis.RatisProposer;
import io.orch.raft.store.ClusterStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A manager: this node's replica of the cluster store (Raft, mutual TLS), the node RPC server
 * (join, dispatcher sessions), gossip, this node's own worker (fed from the local replica), the
 * control loops while it leads, and the full API.
 */
public final class ManagerNode implements RunningRole {
    private static final Logger log = LoggerFactory.getLogger(ManagerNode.class);
    /** How long a joining manager keeps asking to be added as a voter (the leader may be changing). */
    static final Duration ADD_VOTER_PATIENCE = Duration.ofSeconds(30);

    private final NodeContext context;
    private final ClusterIdentity identity;
    private final LiveCredentials credentials;
    private volatile RatisProposer proposer;
    /** The cluster's store key (DATA/keys/store.key): seals this replica's log and snapshots; given to joining managers. */
    private final SealKey storeKey;
    private LoopDriver storeKeyGuard;
    private ClusterStore store;
    private RpcServer rpc;
    private StoreRevocationFeed revocationFeed;
    private io.orch.agent.events.StoreEventFeed eventFeed;
    private DispatcherService dispatcher;
    private final HandOverParts parts = new HandOverParts();
    private int reattached;
    private LoopDriver orchestrator;
    private LoopDriver scheduler;
    private LoopDriver updater;
    private LoopDriver nodeHealth;
    private LoopDriver ingress;
    private NodeLogsClient nodeLogs;
    private NodeImagesClient nodeImages;
    private Thread registrar;
    private boolean registerAgain; // guarded by this, with registrar: a registration is wanted (again)
    private ImageInventoryWatch imageWatch;
    private LoopDriver roles;
    private LoopDriver ownRole;
    private LoopDriver trustRootsWatch;
    private LoopDriver rootRotation;
    private volatile java.util.function.Consumer<NodeRole> roleWanted = role -> { };
    private volatile java.util.function.Consumer<io.orch.api.proto.TrustRoots> trustRoots = roots -> { };
    private java.time.Duration electionTimeoutMax;

    @Override
    public NodeRole role() {
        return NodeRole.MANAGER;
    }

    @Override
    public void onRoleWanted(java.util.function.Consumer<NodeRole> listener) {
        this.roleWanted = listener;
    }

    @Override
    public void onTrustRoots(java.util.function.Consumer<io.orch.api.proto.TrustRoots> listener) {
        this.trustRoots = listener;
        try { // the watch may have read the cluster before the agent listened
            store.read(r -> r.cluster()).flatMap(io.orch.agent.pki.ClusterCa::trustRootsOf).ifPresent(listener);
        } catch (RuntimeException e) {
            log.debug("cluster's root CAs not readable yet: {}", e.toString()); // the watch delivers them when they change
        }
    }

    @Override
    public ManagerNode manager() {
        return this;
    }

    private ManagerNode(NodeContext context, ClusterIdentity identity, LiveCredentials credentials, SealKey storeKey) {
        this.context = context;
        this.identity = identity;
        this.credentials = credentials;
        this.storeKey = storeKey;
    }

    /** The first manager of a new cluster: a single-voter group, and the cluster object with this CA. */
    static ManagerNode create(NodeContext context, ClusterIdentity identity, LiveCredentials credentials, RootCa ca,
                              SealKey storeKey, Optional<io.orch.agent.seal.UnlockKey> autolock) throws Exception {
        ManagerNode m = new ManagerNode(context, identity, credentials, storeKey);
        try {
            m.startStore(m.singleVoter());
            ClusterBootstrap.ensureCluster(m.store, identity.clusterId(), ca, context.config().addressPools());
            if (autolock.isPresent()) {
                // before the services (its StoreKeyGuard among them): the key files were written
                // encrypted under this key, and the guard must find the cluster saying so
                m.store.updateAndWait(tx -> tx.read().cluster().ifPresent(c ->
                        tx.update(io.orch.agent.seal.AutolockPolicy.applied(c, autolock.get()))));
            }
            m.startServices();
            return m;
        } catch (Exception | Error e) {
            m.close();
            throw e;
        }
    }

    /** A node that joined with a manager token: a replica that waits until the leader adds it as a voter. */
    static ManagerNode join(NodeContext context, ClusterIdentity identity, LiveCredentials credentials,
                            Map<String, String> voters, String joinedThrough, SealKey storeKey) throws Exception {
        return join(context, identity, credentials, voters, joinedThrough, null, storeKey);
    }

    /** @param gossip the node's running gossip membership (a promoted worker's), or null to start one */
    static ManagerNode join(NodeContext context, ClusterIdentity identity, LiveCredentials credentials,
                            Map<String, String> voters, String joinedThrough, Gossip gossip, SealKey storeKey) throws Exception {
        ManagerNode m = new ManagerNode(context, identity, credentials, storeKey);
        m.parts.gossip.set(gossip);
        try {
            AgentConfig c = context.config();
            m.startStore(RaftSettings.joining(identity.nodeId(), c.raftAddr().toString(), c.advertisedRaftAddr().toString(),
                    voters, identity.clusterId(), context.dataDir().resolve("raft")));
            m.becomeVoter(joinedThrough);
            m.startServices();
            return m;
        } catch (Exception | Error e) {
            if (gossip != null) {
                m.parts.gossip.release(); // the caller's: it goes back to the role the node had
            }
            m.close();
            throw e;
        }
    }

    /** A manager restarting on its data directory; with {@code forceNewCluster}, as the sole voter of its group. */
    static ManagerNode resume(NodeContext context, ClusterIdentity identity, LiveCredentials credentials,
                              boolean forceNewCluster, SealKey storeKey) throws Exception {
        ManagerNode m = new ManagerNode(context, identity, credentials, storeKey);
        try {
            m.startStore(m.singleVoter().withForceNewCluster(forceNewCluster));
            m.startServices();
            return m;
        } catch (Exception | Error e) {
            m.close();
            throw e;
        }
    }

    private RaftSettings singleVoter() {
        AgentConfig c = context.config();
        return RaftSettings.singleVoter(identity.nodeId(), c.raftAddr().toString(), c.advertisedRaftAddr().toString(),
                identity.clusterId(), context.dataDir().resolve("raft"));
    }

    private void startStore(RaftSettings settings) throws IOException {
        electionTimeoutMax = settings.electionTimeoutMax();
        // each new connection presents the certificate held then; only managers' certificates may speak Raft, and not a removed node's nor, once it has
        // left the Raft group, a demoted manager's (PeerRevocation.raft says why not sooner)
        proposer = new RatisProposer(settings.withTls(new RaftTls(credentials.keyManager(),
                credentials.trustManager(NodeRole.MANAGER, PeerRevocation.raft(this::isVoter)))), new AesGcmSeal(storeKey));
        // a replica whose state machine failed must not go on as if it were healthy (swarmkit stops too)
        proposer.onFailure(e -> {
            // one line: the replica logged the entry and the applier's stack trace already
            log.error("the cluster store replica stopped (fail-stop: {}); this agent exits with status 70 "
                    + "(EX_SOFTWARE) so it cannot serve a store that may differ from the other managers'", e.getMessage());
            Runtime.getRuntime().halt(70);
        });
        // a full disk: say so to the other managers (node ls shows this one Unreachable) until it recovers
        proposer.onStorageHealth(problem -> {
            Gossip g = parts.gossip.get();
            if (g != null) {
                g.reportStoreHealth(problem.isPresent());
            }
        });
        store = new ClusterStore(proposer, context.clock());
        RatisProposer replica = proposer;
        context.metrics().bind(store, replica::stats);
        store.start();
    }

    /** Asks a manager (with this node's new manager certificate) to add this replica to the Raft group. */
    private void becomeVoter(String manager) throws IOException, InterruptedException {
        AgentConfig.HostPort target = AgentConfig.HostPort.parse("manager", manager, 0);
        long deadline = System.nanoTime() + ADD_VOTER_PATIENCE.toNanos();
        ManagedChannel channel = NettyChannelBuilder.forAddress(target.host(), target.port())
                .sslContext(credentials.clientContext(NodeRole.MANAGER)).build();
        try {
            String lastReason = null;
            while (true) {
                try {
                    NodeJoinGrpc.newBlockingStub(channel).withDeadlineAfter(15, TimeUnit.SECONDS)
                            .addVoter(AddVoterRequest.newBuilder().setRaftAddr(context.config().advertisedRaftAddr().toString()).build());
                    return;
                } catch (StatusRuntimeException e) {
                    if (System.nanoTime() > deadline) {
                        throw new IOException("could not become a Raft voter through " + manager + ": "
                                + e.getStatus().getCode() + " " + e.getStatus().getDescription(), e);
                    }
                    String reason = e.getStatus().getDescription();
                    if (!java.util.Objects.equals(reason, lastReason)) { // once per reason, not every 500 ms
                        log.info("not a voter yet ({}); retrying", reason);
                        lastReason = reason;
                    }
                    Thread.sleep(500); // back-off between attempts against a manager that may be electing
                }
            }
        } finally {
            channel.shutdownNow();
        }
    }

    private void startServices() throws Exception {
        AgentConfig c = context.config();
        String nodeId = identity.nodeId();
        registerInBackground();

        dispatcher = new DispatcherService(store, NodeAuthenticator.peerCertificateCommonName(), this::managerAddresses);
        String clusterId = credentials.current().clusterId();
        revocationFeed = new StoreRevocationFeed(store, credentials.revocations(), this::isVoter);
        // a demoted manager's manager certificate passes the handshake here, for Renew only
        rpc = new RpcServer(c.listenAddr().socketAddress(), credentials.serverContext(ClientAuth.OPTIONAL, PeerRevocation.REMOVED_ONLY),
                List.of(new JoinService(store, raftMembership(), context.clock(), storeKey), dispatcher,
                        new NodeLogsService(context.dataDir().resolve("tasks"), clusterId),
                        new NodeImagesService(context.images(), clusterId)),
                credentials.revocations(), Set.of(NodeJoinGrpc.getRenewMethod().getFullMethodName())).start();
        // reads other nodes' task logs for the API; any role: workers serve their own logs
        nodeLogs = new NodeLogsClient(credentials.clientContext());
        // sends uploaded images to other nodes (image load --node/--all-nodes)
        nodeImages = new NodeImagesClient(credentials.clientContext());

        Gossip adopted = parts.gossip.get();
        Gossip gossip = adopted != null ? adopted.asManager(store) : Gossip.forManager(context, identity, store);
        parts.gossip.set(gossip);

        Worker worker = new Worker(store, nodeId, context.runtimes(), context.dataDir(), context.clock(), context.metrics().registry());
        parts.worker(worker);
        context.measure(worker);
        worker.pullImagesWith(context.imagePuller());
        reattached = worker.recover();
        context.networking().follow(new StoreNetworkMapSource(store, nodeId), nodeId);
        worker.start();

        orchestrator = driver(new Orchestrator(store));
        scheduler = driver(new SchedulerLoop(store, context.metrics().placements()));
        updater = driver(new Updater(store));
        nodeHealth = driver(new NodeHealthLoop(store, gossip.membership(), nodeId));
        ingress = driver(new IngressLoop(store));
        roles = driver(new RoleLoop(store, raftVoters()));
        rootRotation = driver(new RootRotationLoop(store));
        proposer.onLeadershipChange(this::leadershipChanged);

        // every manager turns the changes its replica applies into swarm events (GET /events), from now on
        eventFeed = new io.orch.agent.events.StoreEventFeed(store, new io.orch.agent.events.EventLog(), context.clock());
        // the API reads this node's images and the task output files the runtimes write under DATA/tasks
        ApiContext apiContext = new ApiContext(store, nodeId, context.metrics().registry(), context.clock(), context.version(),
                ApiServices.local(context.images(), context.dataDir().resolve("tasks")).withNodeLogs(nodeLogs)
                        .withNodeImages(nodeImages).withRegistries(context.registries()).withEvents(eventFeed.events())
                        .withContainers(new io.orch.agent.api.NodeContainers(nodeId, worker::localTasks,
                                context.dataDir().resolve("tasks"), context.images(), context.clock())),
                // the Raft side of promote/demote is the leader's RoleLoop: the API writes the spec only
                new NodeControl(ManagerStatusView.of(proposer::leaderId, this::reachability), RoleChangeHook.NONE));
        ApiServer api = new ApiServer(new ApiHandler(apiContext).withRoutesFirst(SwarmLifecycleRoutes.manager(context.membership())),
                apiContext.services().spoolDir());
        parts.api.set(api);
        context.listen(api, credentials);
        ownRole = driver(new OwnRoleWatch(store, nodeId, role -> roleWanted.accept(NodeRole.fromProto(role))));
        ownRole.start();
        trustRootsWatch = driver(new TrustRootsWatch(store, roots -> trustRoots.accept(roots)));
        trustRootsWatch.start();
        // every manager keeps its key file as autolock says (wrapped under the unlock key, or clear)
        storeKeyGuard = driver(new io.orch.agent.seal.StoreKeyGuard(store, context.dataDir(), storeKey, context.nodeKey()));
        storeKeyGuard.start();
        imageWatch = new ImageInventoryWatch(context.images(), this::registerInBackground);
    }

    /**
     * This node's entry (description, addresses) is written in the background, retrying: a
     * manager restarting while the cluster has no quorum must still come up, serve reads and keep
     * its tasks running.
     */
    private synchronized void registerInBackground() {
        registerAgain = true;
        if (registrar != null) {
            return; // the running registration writes again with the latest description
        }
        AgentConfig c = context.config();
        NodeRegistrar.Facts facts = new NodeRegistrar.Facts(identity.nodeId(), c.hostname(), c.advertiseHost(),
                c.advertisedListenAddr().toString(), c.advertisedGossipAddr().toString(),
                context.runtimes().advertisedNames(), context.version());
        registrar = new Thread(() -> {
            Backoff backoff = Backoff.doubling(Duration.ofMillis(100), Duration.ofSeconds(2));
            int failures = 0;
            while (!Thread.currentThread().isInterrupted() && takeRegisterAgain()) {
                try {
                    NodeRegistrar.register(store, facts, context.description().toBuilder()
                            .setTlsInfo(NodeTlsInfo.of(credentials.current())).build(), proposer.isLeader());
                } catch (Exception e) {
                    synchronized (this) {
                        registerAgain = true;
                    }
                    log.info("node registration not committed yet ({}); retrying", e.getMessage());
                    try {
                        Thread.sleep(backoff.delay(failures++).toMillis()); // no quorum yet: wait before asking again
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
        }, "orch-node-registrar");
        registrar.setDaemon(true);
        registrar.start();
    }

    /** Whether to write the registration (again); when not, the registrar thread ends and a new request starts one. */
    private synchronized boolean takeRegisterAgain() {
        boolean again = registerAgain;
        registerAgain = false;
        if (!again) {
            registrar = null;
        }
        return again;
    }

    /**
     * Whether the Raft group counts {@code nodeId} among its voters now. While the replica is not
     * running yet (or was closed) there is no Raft connection to judge: count it in, so that a
     * demoted manager's entry is never what refuses a voter the group needs.
     */
    private boolean isVoter(String nodeId) {
        RatisProposer p = proposer;
        try {
            return p == null || p.voters().containsKey(nodeId);
        } catch (RuntimeException e) {
            return true;
        }
    }

    private RaftMembership raftMembership() {
        return new RaftMembership() {
            @Override
            public void addVoter(String nodeId, String raftAddr) throws IOException {
                proposer.addVoter(nodeId, raftAddr);
            }

            @Override
            public Map<String, String> voters() {
                return proposer.voters();
            }
        };
    }

    /** The Raft group as the leader's {@link RoleLoop} sees it: a follower it has not heard from lately is unreachable. */
    private RoleLoop.Voters raftVoters() {
        return new RoleLoop.Voters() {
            @Override
            public java.util.Set<String> ids() {
                return proposer.voters().keySet();
            }

            @Override
            public boolean reachable(String nodeId) {
                if (nodeId.equals(identity.nodeId())) {
                    return true;
                }
                Duration since = proposer.followerLastContact().get(nodeId);
                return since != null && since.compareTo(electionTimeoutMax) <= 0;
            }

            @Override
            public void remove(String nodeId) throws IOException {
                proposer.removeVoter(nodeId);
            }
        };
    }

    /** Every manager's RPC address, for workers to fail over between. */
    List<String> managerAddresses() {
        List<String> out = new ArrayList<>();
        for (Node n : store.read(r -> r.nodes())) {
            if (n.getSpec().getRole() == NodeSpec.Role.MANAGER && !n.getManagerStatus().getAddr().isEmpty()) {
                out.add(n.getManagerStatus().getAddr());
            }
        }
        return out;
    }

    private LoopDriver driver(ControlLoop loop) {
        return new LoopDriver(loop, store, context.clock(), context.metrics().registry());
    }

    /** The leader runs the control loops; a follower runs none (they would fight over writes). */
    private void leadershipChanged(boolean leader) {
        if (leader) {
            orchestrator.start();
            updater.start();
            scheduler.start();
            nodeHealth.start();
            ingress.start();
            roles.start();
            rootRotation.start();
        } else {
            rootRotation.close();
            roles.close();
            nodeHealth.close();
            ingress.close();
            orchestrator.close();
            updater.close();
            scheduler.close();
        }
        log.info("this node is {} the leader", leader ? "now" : "no longer");
    }

    /** This node is reachable unless its own Raft storage cannot take writes; other managers as gossip sees them. */
    private ManagerStatus.Reachability reachability(String nodeId) {
        return nodeId.equals(identity.nodeId())
                ? (proposer.storageProblem().isPresent() ? ManagerStatus.Reachability.UNREACHABLE : ManagerStatus.Reachability.REACHABLE)
                : parts.gossip.get().membership().reachability(nodeId);
    }

    /** `orch init --autolock`: turns autolock on in the new cluster, which makes its unlock key. */
    void announceNewCluster(PrintWriter out) {
        out.printf("Swarm initialized: current node (%s) is now a manager.%n", identity.nodeId());
        String token = store.read(r -> r.cluster().map(cl -> cl.getJoinTokens().getWorker()).orElse(""));
        out.printf("%nTo add a worker to this swarm, run the following command:%n%n    orch join --token %s %s%n%n",
                token, context.config().advertisedListenAddr());
        out.printf("To add a manager to this swarm, run 'orch join-token manager' and follow the instructions.%n%n");
        // autolock: the unlock key is shown once here (as docker swarm init --autolock does), then by `orch unlock-key`
        store.read(r -> r.cluster()).flatMap(io.orch.agent.seal.AutolockPolicy::unlockKey).ifPresent(key -> out.printf(
                "To unlock a swarm manager after it restarts, run the `orch unlock`%ncommand and provide the following key:"
                        + "%n%n    %s%n%nRemember to store this key in a password manager, since without it you%n"
                        + "will not be able to restart the manager.%n%n", key.text()));
        out.flush();
    }

    @Override
    public int reattached() {
        return reattached;
    }

    /**
     * The other managers first: a demoted node's own replica may never see the configuration that
     * removed it (the leader stops replicating to it), and the certificate for its new role is
     * only issued once it is out of the group (see JoinService.renew).
     */
    @Override
    public List<String> renewThrough() {
        String self = context.config().advertisedListenAddr().toString();
        List<String> out = new ArrayList<>(managerAddresses());
        out.remove(self);
        out.add(self);
        return out;
    }

    /** The expiry this manager's replica of the cluster sets, once it holds the cluster object. */
    @Override
    public Optional<Duration> clusterCertExpiry() {
        try {
            return store.read(r -> r.cluster()).map(cluster -> NodeCertExpiry.of(cluster.getSpec()));
        } catch (RuntimeException e) {
            return Optional.empty(); // the replica cannot be read now (stopping, storage unhealthy): the certificate's own lifetime counts
        }
    }

    /** The registration writes the node's description again, with the new certificate's TLS info. */
    @Override
    public void credentialsRenewed() {
        registerInBackground();
    }

    /**
     * A certificate for this manager from its own replica of the cluster's CA, as the Renew RPC
     * would issue it: for when its certificate expired (its peers refuse it in TLS) and no other
     * manager renewed it, e.g. a lone manager restarted after its certificate's lifetime.
     */
    NodeCredentials issueOwnCertificate() {
        NodeCsr csr = NodeCredentials.generateCsr();
        RenewalIssuer.Issued issued = new RenewalIssuer(store, raftMembership())
                .issue(identity.nodeId(), csr.csrDer(), Optional.of(NodeRole.MANAGER));
        return csr.complete(issued.certificatePem(), issued.trustedRootsPem());
    }

    @Override
    public void checkLeave(boolean force) throws io.orch.agent.api.ApiException {
        if (!force) {
            int[] counts = managersReachableUnreachable();
            throw io.orch.agent.api.ManagerLeaveCheck.refusal(counts[0], counts[1]);
        }
    }

    /** The managers reachable now (this one included) and those not, as `docker swarm leave` weighs them. */
    int[] managersReachableUnreachable() {
        int reachable = 0;
        int unreachable = 0;
        for (Node n : store.read(r -> r.nodes())) {
            if (n.getSpec().getRole() != NodeSpec.Role.MANAGER) {
                continue;
            }
            if (reachability(n.getId()) == ManagerStatus.Reachability.REACHABLE) {
                reachable++;
            } else {
                unreachable++;
            }
        }
        return new int[] {Math.max(reachable, 1), unreachable};
    }

    @Override
    public HandOverParts parts() {
        return parts;
    }

    public ClusterStore store() {
        return store;
    }

    public String nodeId() {
        return identity.nodeId();
    }

    Path dataDir() {
        return context.dataDir();
    }

    @Override
    public void close() {
        Agent.closeQuietly(ownRole);
        Agent.closeQuietly(trustRootsWatch);
        Agent.closeQuietly(rootRotation);
        Agent.closeQuietly(storeKeyGuard);
        Agent.closeQuietly(imageWatch);
        synchronized (this) {
            if (registrar != null) {
                registrar.interrupt();
            }
        }
        Agent.closeQuietly(parts.api.get());
        Agent.closeQuietly(nodeLogs);
        Agent.closeQuietly(nodeImages);
        Agent.closeQuietly(nodeHealth);
        Agent.closeQuietly(ingress);
        Agent.closeQuietly(roles);
        Agent.closeQuietly(orchestrator);
        Agent.closeQuietly(updater);
        Agent.closeQuietly(scheduler);
        Agent.closeQuietly(parts.worker());
        Agent.closeQuietly(parts.gossip.get());
        Agent.closeQuietly(rpc);
        Agent.closeQuietly(revocationFeed);
        Agent.closeQuietly(eventFeed);
        Agent.closeQuietly(dispatcher);
        if (store != null) {
            context.metrics().unbind(store); // a demoted node's gauges must not read this closed replica
        }
        Agent.closeQuietly(proposer);
    }
}
