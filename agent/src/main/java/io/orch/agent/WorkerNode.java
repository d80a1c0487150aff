package io.orch.agent;

import io.orch.agent.net.PushedNetworkMapSource;

import io.orch.agent.api.ApiServer;
import io.orch.agent.api.SwarmLifecycleRoutes;
import io.orch.agent.api.WorkerNodeApi;
import io.orch.agent.dispatch.ChannelFactory;
import io.orch.agent.dispatch.DispatchedWorkerView;
import io.orch.agent.dispatch.DispatcherClient;
import io.netty.handler.ssl.ClientAuth;
import io.orch.agent.images.NodeImagesService;
import io.orch.agent.logs.NodeLogsService;
import io.orch.agent.pki.LiveCredentials;
import io.orch.agent.pki.NodeTlsInfo;
import io.orch.agent.pki.RevocationList;
import io.orch.agent.worker.RevocationFile;
import io.orch.agent.rpc.RpcServer;
import io.orch.agent.pki.NodeRole;
import io.orch.agent.worker.Worker;
import io.orch.api.proto.WorkerHello;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A worker-only node: no copy of the cluster state. Its work comes through one dispatcher session
 * to a manager (found through gossip, or remembered from the last run); while no manager is
 * reachable it keeps its tasks running and restarts failed ones itself.
 *
 * <p>A worker keeps no gossip key on disk: after a join or a demotion it has the key from the
 * answer; after a restart it starts gossip once a manager's dispatcher session tells it the key
 * (at once when a remembered manager answers; else whenever one comes back).
 */
final class WorkerNode implements RunningRole {
    private static final Logger log = LoggerFactory.getLogger(WorkerNode.class);

    private final NodeContext context;
    private final ClusterIdentity identity;
    private volatile ClusterPeers peers;
    private final HandOverParts parts = new HandOverParts();
    /** Guards starting gossip late (the key heard from a session) against close() and a hand-over. */
    private final Object gossipLock = new Object();
    /** Closed, or its gossip handed to the next role: no gossip of this role may start any more. */
    private boolean gossipDone;
    private volatile DispatcherClient dispatcher;
    private RpcServer rpc;
    private ImageInventoryWatch imageWatch;
    private int reattached;
    private volatile java.util.function.Consumer<NodeRole> roleWanted = role -> { };
    private volatile java.util.function.Consumer<io.orch.api.proto.TrustRoots> trustRoots = roots -> { };
    private volatile io.orch.api.proto.TrustRoots lastTrustRoots;
    private final LiveCredentials credentials;
    /** The cluster's certificate lifetime as the last manager heartbeat said (0: none heard yet). */
    private volatile long clusterCertExpiryNanos;

    @Override
    public NodeRole role() {
        return NodeRole.WORKER;
    }

    /** Told on every dispatcher heartbeat that wants this node a manager (after `node promote`). */
    @Override
    public void onRoleWanted(java.util.function.Consumer<NodeRole> listener) {
        this.roleWanted = listener;
    }

    @Override
    public void onTrustRoots(java.util.function.Consumer<io.orch.api.proto.TrustRoots> listener) {
        this.trustRoots = listener;
        io.orch.api.proto.TrustRoots heard = lastTrustRoots;
        if (heard != null) {
            listener.accept(heard); // the session told it before the agent listened
        }
    }

    private WorkerNode(NodeContext context, ClusterIdentity identity, LiveCredentials credentials, ClusterPeers peers) {
        this.context = context;
        this.identity = identity;
        this.credentials = credentials;
        this.peers = peers;
    }

    static WorkerNode start(NodeContext context, ClusterIdentity identity, LiveCredentials credentials, ClusterPeers peers)
            throws Exception {
        return start(context, identity, credentials, peers, null);
    }

    /** @param gossip the node's running gossip membership (a demoted manager's), or null to start one */
    static WorkerNode start(NodeContext context, ClusterIdentity identity, LiveCredentials credentials, ClusterPeers peers,
                            Gossip gossip) throws Exception {
        WorkerNode w = new WorkerNode(context, identity, credentials, peers);
        w.parts.gossip.set(gossip);
        try {
            w.startAll();
            return w;
        } catch (Exception | Error e) {
            if (gossip != null) {
                w.parts.gossip.release(); // the caller's: it goes back to the role the node had
            }
            w.close();
            throw e;
        }
    }

    private void startAll() throws Exception {
        AgentConfig c = context.config();
        Gossip adopted = parts.gossip.get();
        if (adopted != null) {
            parts.gossip.set(adopted.asWorker(peers, this::managersChanged));
        } else if (peers.hasGossipKey()) {
            parts.gossip.set(Gossip.forWorker(context, identity, peers, this::managersChanged));
        } else {
            log.info("gossip starts once a manager tells this worker the cluster's gossip key (it is not kept on disk)");
        }
        // the list last received, enforced before the first session brings the current one
        RevocationFile revocationFile = RevocationFile.under(context.dataDir());
        revocationFile.load().ifPresent(kept -> credentials.revocations().replace(RevocationList.of(kept.getRevokedList())));
        dispatcher = new DispatcherClient(this::managerAddresses,
                ChannelFactory.tls(credentials.clientContext(NodeRole.MANAGER)), this::hello);
        PushedNetworkMapSource networkMaps = new PushedNetworkMapSource();
        dispatcher.addListener(new DispatcherClient.Listener() {
            @Override
            public void networkMap(io.orch.api.proto.NetworkMap map) {
                networkMaps.received(map);
            }

            @Override
            public void revocations(io.orch.api.proto.Revocations revocations) {
                credentials.revocations().replace(RevocationList.of(revocations.getRevokedList()));
                try {
                    revocationFile.save(revocations);
                } catch (java.io.IOException e) {
                    log.warn("cannot keep the revocation list on disk (it is enforced all the same): {}", e.toString());
                }
            }

            @Override
            public void heartbeat(io.orch.api.proto.ManagerHeartbeat heartbeat) {
                clusterCertExpiryNanos = heartbeat.getNodeCertExpiry();
                if (heartbeat.getDesiredRole() == io.orch.api.proto.NodeSpec.Role.MANAGER) {
                    roleWanted.accept(NodeRole.MANAGER);
                }
            }

            @Override
            public void trustRoots(io.orch.api.proto.TrustRoots roots) {
                lastTrustRoots = roots;
                trustRoots.accept(roots);
            }

            @Override
            public void gossipKey(byte[] key) {
                // not on the session's thread: starting gossip binds sockets and contacts seeds
                io.orch.api.concurrent.DaemonThreads.factory("orch-gossip-start").newThread(() -> startGossip(key)).start();
            }
        });
        DispatchedWorkerView view = new DispatchedWorkerView(dispatcher, context.dataDir()); // resumes from the kept set
        Worker worker = new Worker(view, dispatcher, identity.nodeId(), context.runtimes(), context.dataDir(), context.clock(),
                context.metrics().registry());
        parts.worker(worker);
        context.measure(worker);
        dispatcher.addListener(context.metrics().dispatcherSession());
        worker.pullImagesWith(context.imagePuller());
        reattached = worker.recover();
        context.networking().follow(networkMaps, identity.nodeId());
        worker.start();
        dispatcher.start();
        // managers read this node's task logs from here (only managers' certificates are served)
        String clusterId = credentials.current().clusterId();
        rpc = new RpcServer(c.listenAddr().socketAddress(), credentials.serverContext(ClientAuth.REQUIRE),
                List.of(new NodeLogsService(context.dataDir().resolve("tasks"), clusterId),
                        new NodeImagesService(context.images(), clusterId)),
                credentials.revocations(), Set.of()).start();
        imageWatch = new ImageInventoryWatch(context.images(), dispatcher::describeAgain);

        // the image routes serve this node's own store, as on every node; uploads are spooled beside it
        WorkerNodeApi.NodeImages images = new WorkerNodeApi.NodeImages(context.images(), worker::liveImages,
                store -> context.imagePuller(), context.registries());
        ApiServer api = new ApiServer(WorkerNodeApi.handler(identity.nodeId(), c.hostname(), c.advertiseHost(),
                context.metrics().registry(), context.version(), () -> peers.managers(), images,
                new io.orch.agent.api.NodeContainers(identity.nodeId(), worker::localTasks, context.dataDir().resolve("tasks"),
                        context.images(), context.clock()))
                .withRoutesFirst(SwarmLifecycleRoutes.worker(context.membership())),
                context.images().root().resolve("tmp"));
        parts.api.set(api);
        context.listen(api, credentials);
    }

    /** A restarted worker's gossip, with the key its first dispatcher session told (once: the key does not change). */
    private void startGossip(byte[] key) {
        synchronized (gossipLock) {
            if (gossipDone || parts.gossip.get() != null || key.length == 0) {
                return;
            }
            try {
                parts.gossip.set(Gossip.forWorker(context, identity, peers.withGossipKey(key), this::managersChanged));
                log.info("gossip started with the key the manager sent");
            } catch (RuntimeException e) {
                // the next session (a reconnect) tells the key again, and this is tried again
                log.warn("gossip could not start: {}", e.toString());
            }
        }
    }

    private WorkerHello hello() {
        return WorkerHello.newBuilder()
                .setDescription(context.description().toBuilder().setTlsInfo(NodeTlsInfo.of(credentials.current())))
                .addAllRuntimes(context.runtimes().advertisedNames())
                .setAddr(context.config().advertisedListenAddr().toString())
                .build();
    }

    /** Managers gossip says are alive first, then the ones remembered from earlier runs. */
    List<String> managerAddresses() {
        Gossip gossip = parts.gossip.get();
        Set<String> out = new LinkedHashSet<>(gossip != null ? gossip.managerAddresses().values() : List.of());
        out.addAll(peers.managers().values());
        return new ArrayList<>(out);
    }

    /** Remembers the managers gossip shows, so a restart finds them even if the join manager is gone. */
    private void managersChanged(Map<String, String> alive) {
        if (alive.isEmpty()) {
            return;
        }
        Map<String, String> merged = new TreeMap<>(peers.managers());
        merged.putAll(alive);
        if (merged.equals(peers.managers())) {
            return;
        }
        ClusterPeers updated = peers.withManagers(merged);
        try {
            updated.save(context.dataDir());
            peers = updated;
        } catch (IOException e) {
            log.warn("could not remember the cluster's managers: {}", e.toString());
        }
    }

    @Override
    public List<String> renewThrough() {
        return managerAddresses();
    }

    @Override
    public Optional<Duration> clusterCertExpiry() {
        long nanos = clusterCertExpiryNanos;
        return nanos > 0 ? Optional.of(Duration.ofNanos(nanos)) : Optional.empty();
    }

    /** The managers hear of the new certificate (its TLS info) in a hello on the open session. */
    @Override
    public void credentialsRenewed() {
        DispatcherClient d = dispatcher;
        if (d != null) {
            d.describeAgain();
        }
    }

    @Override
    public void checkLeave(boolean force) {
        // a worker leaves whenever it is asked: the managers reschedule its tasks
    }

    @Override
    public int reattached() {
        return reattached;
    }

    /** The gossip goes to the next role (or the leave); none starts here after that. */
    @Override
    public Gossip releaseGossip() {
        synchronized (gossipLock) {
            gossipDone = true;
            return parts.gossip.release();
        }
    }

    @Override
    public HandOverParts parts() {
        return parts;
    }

    @Override
    public void close() {
        Agent.closeQuietly(imageWatch);
        Agent.closeQuietly(parts.api.get());
        Agent.closeQuietly(rpc);
        Agent.closeQuietly(parts.worker());
        Agent.closeQuietly(dispatcher);
        synchronized (gossipLock) {
            gossipDone = true;
            Agent.closeQuietly(parts.gossip.get());
        }
    }
}
