package io.orch.agent;

import io.orch.agent.api.ApiException;
import io.orch.agent.api.ApiServer;
import io.orch.agent.api.InactiveNodeApi;
import io.orch.agent.api.LockedNodeApi;
import io.orch.agent.pki.NodeCredentials;
import io.orch.agent.seal.KeyWrap;
import io.orch.agent.seal.NodeKeyLock;
import io.orch.agent.seal.StoreKeyFile;
import io.orch.agent.seal.UnlockKey;
import io.orch.agent.api.SwarmInitRequest;
import io.orch.agent.api.SwarmJoinRequest;
import io.orch.agent.api.SwarmMembership;
import io.orch.agent.api.SwarmMessages;
import io.orch.agent.join.JoinClient;
import io.orch.agent.metrics.AgentMetrics;
import io.orch.runtime.image.ImageStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One agent process across its swarm memberships, as dockerd: in no swarm it serves the
 * {@link InactiveNodeApi} (`docker swarm init` / `join` reach it there); in a swarm it runs an
 * {@link Agent}; `docker swarm leave` takes it back to no swarm. The API addresses stay the same
 * throughout: each step stops one API listening before the next binds.
 */
final class SwarmNode implements SwarmMembership, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SwarmNode.class);

    /** For an agent started outside a SwarmNode (tests): its API cannot make it leave. */
    static final SwarmMembership CANNOT_LEAVE = new SwarmMembership() {
        @Override
        public Transition<String> init(SwarmInitRequest request) throws ApiException {
            throw ApiException.unavailable(SwarmMessages.ALREADY_IN_SWARM);
        }

        @Override
        public Transition<Void> join(SwarmJoinRequest request) throws ApiException {
            throw ApiException.unavailable(SwarmMessages.ALREADY_IN_SWARM);
        }

        @Override
        public Runnable leave(boolean force) throws ApiException {
            throw ApiException.unavailable("this agent cannot leave its swarm from the API; stop it instead");
        }
    };

    private final AgentConfig flags;
    private final PrintWriter out;
    private final AgentMetrics inactiveMetrics = new AgentMetrics();
    // guarded by this: start(), the API's init, join and leave, and close() all hold the monitor
    private volatile Agent agent; // in a swarm; volatile: the metrics listener reads it without the lock
    private ApiServer inactiveApi; // in no swarm
    private ApiServer lockedApi;   // a manager locked by autolock, until unlocked
    private AgentConfig lockedConfig;
    private boolean closed;

    private SwarmNode(AgentConfig flags, PrintWriter out) {
        this.flags = flags;
        this.out = out;
    }

    /**
     * @param waitInSwarmless true (`orch agent`): a data directory with no swarm state gives a node
     *                        in no swarm; false (`orch init` / `orch join`): it creates or joins one
     */
    static SwarmNode start(AgentConfig flags, boolean waitInSwarmless, PrintWriter out) throws Exception {
        SwarmNode node = new SwarmNode(flags, out);
        synchronized (node) {
            if (waitInSwarmless && flags.join() == null && !SwarmState.present(flags.dataDir())) {
                node.startInactive();
            } else {
                AgentConfig resumed = SwarmState.present(flags.dataDir())
                        ? SwarmAddresses.load(flags.dataDir()).map(a -> a.appliedTo(flags)).orElse(flags) : flags;
                if (SwarmState.present(flags.dataDir()) && locked(flags.dataDir())) {
                    node.startLocked(resumed); // autolock: nothing starts until the unlock key is given
                } else {
                    node.agent = Agent.start(resumed, out, node);
                }
            }
        }
        return node;
    }

    /**
     * Whether this manager starts locked: its store key file or its node key is encrypted
     * (autolock). Either suffices, so a crash between their two writes never starts a manager
     * that would need a key it has no way to open.
     */
    static boolean locked(Path dataDir) throws IOException {
        return StoreKeyFile.locked(dataDir) || NodeKeyLock.sealed(NodeCredentials.directoryIn(dataDir));
    }

    private void startInactive() throws Exception {
        ImageStore images = new ImageStore(Agent.prepareDataDir(flags.dataDir()).resolve("images"));
        inactiveApi = new ApiServer(InactiveNodeApi.handler(flags.hostname(), inactiveMetrics.registry(), Agent.VERSION,
                images, this), images.root().resolve("tmp"));
        try {
            listen(inactiveApi);
        } catch (Exception e) {
            inactiveApi.close();
            inactiveApi = null;
            throw e;
        }
        out.println("This node is not part of a swarm: use `docker swarm init` or `docker swarm join` against its API.");
        Agent.announceApi(flags, out);
    }

    /**
     * A manager restarted under autolock: its store key file is encrypted, so it starts no Raft
     * replica, no manager loops and no worker (its process-runtime tasks keep running unsupervised
     * and are re-attached once it is unlocked); its API answers who it is and Docker's "locked"
     * 503 for everything else, and takes {@code POST /swarm/unlock}.
     */
    private void startLocked(AgentConfig resumed) throws Exception {
        String nodeId = ClusterIdentity.load(flags.dataDir()).map(ClusterIdentity::nodeId).orElse("");
        Path spool = Agent.prepareDataDir(flags.dataDir()).resolve("images").resolve("tmp");
        lockedConfig = resumed;
        lockedApi = new ApiServer(LockedNodeApi.handler(flags.hostname(), nodeId, inactiveMetrics.registry(), Agent.VERSION,
                this::unlock), spool);
        try {
            listen(lockedApi, "this manager is unlocked");
        } catch (Exception e) {
            lockedApi.close();
            lockedApi = null;
            throw e;
        }
        out.println("This manager is locked (autolock): its store key is encrypted. Unlock it with `orch unlock` or "
                + "`docker swarm unlock` and the cluster's unlock key.");
        Agent.announceApi(flags, out);
    }

    /** {@code POST /swarm/unlock}: a key that opens the store key file starts the manager; any other leaves it locked. */
    synchronized Transition<Void> unlock(String text) throws ApiException {
        if (lockedApi == null || agent != null || closed) {
            throw ApiException.conflict("swarm is not locked");
        }
        UnlockKey key;
        try {
            key = UnlockKey.parse(text);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        try {
            StoreKeyFile.load(flags.dataDir(), Optional.of(key));
        } catch (KeyWrap.InvalidUnlockKey e) {
            log.warn("unlock refused: the key given does not open this manager's store key file");
            throw ApiException.badRequest(LockedNodeApi.WRONG_KEY);
        } catch (StoreKeyFile.Locked | IOException e) {
            throw ApiException.unavailable("the store key file cannot be read: " + e.getMessage());
        }
        try {
            // the node key too (sealed under the same key): a key that opens one opens both, unless
            // a rotation was cut short between the two writes (see docs/security.md)
            new NodeKeyLock(NodeCredentials.directoryIn(flags.dataDir()), Optional.of(key)).load();
        } catch (IOException e) {
            log.warn("unlock refused: {}", e.getMessage());
            throw ApiException.badRequest(LockedNodeApi.WRONG_KEY);
        }
        lockedApi.stopListening();
        try {
            agent = Agent.start(lockedConfig, out, this, Optional.of(key));
        } catch (Exception e) {
            try {
                listen(lockedApi, "this manager is unlocked");
            } catch (Exception again) {
                log.error("the API could not listen again after a failed unlock: {}", again.toString());
            }
            log.warn("the manager did not start after it was unlocked", e);
            throw ApiException.unavailable("the manager did not start after it was unlocked: " + e.getMessage());
        }
        log.info("this manager was unlocked");
        ApiServer old = lockedApi;
        lockedApi = null;
        return new Transition<>(null, old::close);
    }

    /**
     * The API of a node in no swarm. TLS that needs the cluster's credentials (the node certificate,
     * or the cluster CA for clients) cannot be served yet: the TCP address then stays closed until
     * the node is in a swarm, and says so, rather than opening without the TLS it was given.
     */
    private void listen(ApiServer api) throws Exception {
        listen(api, "this node is in a swarm");
    }

    /**
     * @param until when the TLS address opens (a locked manager's waits for its unlock: its node
     *              key is encrypted, and it never needs it in clear before)
     */
    private void listen(ApiServer api, String until) throws Exception {
        if (flags.apiSocket() != null) {
            api.startUnix(flags.apiSocket());
        }
        if (flags.apiAddr() != null) {
            if (flags.apiTls() != null && flags.apiTls().needsClusterCredentials()) {
                String line = "The TLS API on " + flags.apiAddr() + " opens once " + until + " (--tlsverify"
                        + (flags.apiTls().servesNodeCertificate() ? " serves the node's certificate" : " trusts the cluster's CA")
                        + "); until then use the unix socket.";
                log.warn(line);
                out.println(line);
            } else {
                api.startTcp(flags.apiAddr().socketAddress(),
                        flags.apiTls() == null ? null : io.orch.agent.pki.ApiTls.of(flags.apiTls(), null));
            }
        }
    }

    /** The registry of the node as it is now: its swarm agent's, or the one of a node in no swarm or locked. */
    io.micrometer.prometheusmetrics.PrometheusMeterRegistry metricsRegistry() {
        Agent a = agent;
        return a != null ? a.metrics().registry() : inactiveMetrics.registry();
    }

    @Override
    public synchronized Transition<String> init(SwarmInitRequest request) throws ApiException {
        AgentConfig config = SwarmRequestConfigs.forInit(flags, request);
        Agent started = becomeMember(config);
        try {
            // the swarm settings asked for (checked before anything started); the first manager leads at once
            started.manager().store().updateAndWait(tx -> tx.read().cluster()
                    .ifPresent(c -> tx.update(request.appliedTo(c))));
        } catch (Exception e) {
            // undone, so that a refused init changes nothing: the node is back in no swarm
            log.warn("the new swarm's settings could not be stored; undoing the init", e);
            agent = null;
            started.close();
            try {
                SwarmState.remove(flags.dataDir());
                listen(inactiveApi);
            } catch (Exception again) {
                log.error("could not undo the init completely: {}", again.toString());
            }
            throw ApiException.unavailable("the swarm's settings could not be stored: " + e.getMessage());
        }
        return new Transition<>(started.nodeId(), closeInactive());
    }

    @Override
    public synchronized Transition<Void> join(SwarmJoinRequest request) throws ApiException {
        ApiException last = null;
        for (String remote : request.remoteAddrs()) {
            AgentConfig config = SwarmRequestConfigs.forJoin(flags, request, remote);
            try {
                becomeMember(config);
                return new Transition<>(null, closeInactive());
            } catch (ApiException e) {
                last = e;
            }
        }
        throw last;
    }

    /**
     * Stops the swarmless API listening and starts the agent (which binds the same addresses); on
     * failure listens again. Addresses the request chose over the flags are remembered for restarts.
     */
    private Agent becomeMember(AgentConfig config) throws ApiException {
        if (agent != null || inactiveApi == null || closed) {
            throw ApiException.unavailable(SwarmMessages.ALREADY_IN_SWARM);
        }
        inactiveApi.stopListening();
        try {
            agent = Agent.start(config, out, this);
        } catch (Exception e) {
            try {
                listen(inactiveApi);
            } catch (Exception again) {
                log.error("the API could not listen again after a failed init/join: {}", again.toString());
            }
            if (e instanceof JoinClient.JoinRefusedException || e instanceof IllegalArgumentException) {
                throw ApiException.badRequest(e.getMessage());
            }
            if (e instanceof RaftPort.RaftPortInUseException) {
                log.warn("init/join failed: {}", e.getMessage()); // the whole story: no stack trace
            } else {
                log.warn("init/join failed", e);
            }
            throw ApiException.unavailable("could not start the node: " + e.getMessage());
        }
        Optional<SwarmAddresses> chosen = SwarmAddresses.chosen(flags, config);
        if (chosen.isPresent()) {
            try {
                chosen.get().save(config.dataDir());
            } catch (IOException e) {
                log.warn("could not remember the swarm's addresses; a restart uses the flags' ones: {}", e.toString());
            }
        }
        return agent;
    }

    /** What runs once the init/join answer is sent: the swarmless API (still sending it) closes. */
    private Runnable closeInactive() {
        ApiServer old = inactiveApi;
        inactiveApi = null;
        return old::close;
    }

    /**
     * Leaves before answering, as dockerd: when `docker swarm leave` returns, the node is in no
     * swarm and its API (the swarmless one) answers on the same addresses. The old API, still
     * sending this answer, is closed after it.
     */
    @Override
    public synchronized Runnable leave(boolean force) throws ApiException {
        Agent leaving = agent;
        if (leaving == null || closed) {
            throw ApiException.unavailable(SwarmMessages.NOT_IN_SWARM);
        }
        leaving.checkLeave(force);
        String nodeId = leaving.nodeId();
        ApiServer oldApi = leaving.leaveSwarm();
        agent = null;
        out.printf("Node %s left the swarm.%n", nodeId);
        try {
            startInactive();
        } catch (Exception e) {
            log.error("the API could not listen after leaving the swarm: {}", e.toString());
        }
        return oldApi == null ? () -> { } : oldApi::close;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (agent != null) {
            agent.close();
        }
        if (inactiveApi != null) {
            inactiveApi.close();
        }
        if (lockedApi != null) {
            lockedApi.close();
        }
    }
}
