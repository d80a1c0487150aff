package io.orch.agent;

import io.orch.agent.api.ApiContext;
import io.orch.agent.api.ApiServices;
import io.orch.agent.api.ApiServer;
import io.orch.agent.manager.ClusterBootstrap;
import io.orch.agent.manager.NodeRegistrar;
import io.orch.agent.manager.Orchestrator;
import io.orch.agent.manager.SchedulerLoop;
import io.orch.agent.manager.Updater;
import io.orch.agent.metrics.AgentMetrics;
import io.orch.agent.worker.Worker;
import io.orch.raft.ratis.RaftSettings;
import io.orch.raft.ratis.RatisProposer;
import io.orch.raft.store.ClusterStore;
import io.orch.runtime.RuntimeRegistry;
import io.orch.runtime.image.ImageStore;
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
import java.util.List;
import java.util.Optional;

/**
 * One orch node: the replicated store, this node's registration, the manager loops (while this
 * node leads), the worker, and the API. Started by `orch init`; {@link #close()} stops it cleanly
 * and leaves the node's tasks running for the next agent process to re-attach.
 */
public final class Agent implements AutoCloseable {
    public static final String VERSION = Optional.ofNullable(Agent.class.getPackage().getImplementationVersion()).orElse("0.1.0");
    private static final Logger log = LoggerFactory.getLogger(Agent.class);

    private final AgentConfig config;
    private final Clock clock = Clock.systemUTC();
    private final AgentMetrics metrics = new AgentMetrics();
    private ClusterIdentity identity;
    private boolean resumed;
    private RuntimeRegistry runtimes;
    private ImageStore images;
    private RatisProposer proposer;
    private ClusterStore store;
    private Worker worker;
    private Orchestrator orchestrator;
    private SchedulerLoop scheduler;
    private Updater updater;
    private ApiServer api;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private Agent(AgentConfig config) {
        this.config = config;
    }

    /** Starts a node of the cluster in {@code config.dataDir()}, creating the cluster if it has none. */
    public static Agent start(AgentConfig config, PrintWriter out) throws Exception {
        Agent agent = new Agent(config);
        try {
            agent.startAll(out);
            return agent;
        } catch (Exception | Error e) {
            agent.close();
            throw e;
        }
    }

    private void startAll(PrintWriter out) throws Exception {
        Path dataDir = prepareDataDir(config.dataDir());
        Optional<ClusterIdentity> existing = ClusterIdentity.load(dataDir);
        resumed = existing.isPresent();
        identity = existing.orElseGet(ClusterIdentity::fresh);
        if (!resumed) {
            identity.save(dataDir); // before the log exists: a crash now resumes the same cluster
        }

        images = new ImageStore(dataDir.resolve("images"));
        // runc is preferred where it works (root + runc installed); see RuntimeRegistry.PREFERENCE
        runtimes = new RuntimeRegistry(List.of(new ProcessRuntime(), new RuncRuntime(dataDir, images)), config.runtime());
        runtimes.defaultRuntime(); // fails with the reason when the requested runtime cannot run here

        proposer = new RatisProposer(RaftSettings.singleVoter(identity.nodeId(), config.raftAddr().toString(),
                identity.clusterId(), dataDir.resolve("raft")));
        store = new ClusterStore(proposer, clock);
        metrics.bind(store);
        store.start();

        ClusterBootstrap.ensureCluster(store, identity.clusterId());
        String advertised = config.listenAddr().advertised("127.0.0.1").toString();
        NodeRegistrar.register(store, new NodeRegistrar.Facts(identity.nodeId(), config.hostname(), advertised,
                advertised, runtimes.availableNames(), VERSION), proposer.isLeader());

        worker = new Worker(store, identity.nodeId(), runtimes, dataDir, clock, metrics.registry());
        int reattached = worker.recover();
        worker.start();

        orchestrator = new Orchestrator(store, clock, metrics.registry());
        scheduler = new SchedulerLoop(store, clock, metrics.registry());
        updater = new Updater(store, clock, metrics.registry());
        proposer.onLeadershipChange(this::leadershipChanged);

        // the API reads this node's images and the task output files the runtimes write under DATA/tasks
        api = new ApiServer(new ApiContext(store, identity.nodeId(), metrics.registry(), clock, VERSION,
                new ApiServices(images, dataDir.resolve("tasks"))));
        if (config.apiSocket() != null) {
            api.startUnix(config.apiSocket());
        }
        if (config.apiAddr() != null) {
            api.startTcp(config.apiAddr().socketAddress());
        }

        announce(out, advertised, reattached);
    }

    /** The leader runs the control loops; a follower runs none (they would fight over writes). */
    private void leadershipChanged(boolean leader) {
        if (leader) {
            orchestrator.start();
            updater.start();
            scheduler.start();
        } else {
            orchestrator.close();
            updater.close();
            scheduler.close();
        }
        log.info("this node is {} the leader", leader ? "now" : "no longer");
    }

    private void announce(PrintWriter out, String advertised, int reattached) {
        if (resumed) {
            out.printf("Resuming cluster %s as node %s from %s (the data directory already holds a cluster; no new cluster was created).%n",
                    identity.clusterId(), identity.nodeId(), config.dataDir());
            if (reattached > 0) {
                out.printf("Re-attached to %d running task(s).%n", reattached);
            }
        } else {
            out.printf("Swarm initialized: current node (%s) is now a manager.%n", identity.nodeId());
            String token = store.read(r -> r.cluster().map(c -> c.getJoinTokens().getWorker()).orElse(""));
            out.printf("%nTo add a worker to this swarm, run the following command:%n%n    orch join --token %s %s%n%n",
                    token, advertised);
        }
        if (config.apiSocket() != null) {
            out.printf("API listening on unix://%s%n", config.apiSocket());
        }
        if (config.apiAddr() != null) {
            out.printf("API listening on tcp://%s%n", config.apiAddr());
        }
        out.flush();
    }

    private static Path prepareDataDir(Path dir) throws IOException {
        Files.createDirectories(dir);
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: nothing to tighten
        }
        return dir.toRealPath();
    }

    public ClusterStore store() {
        return store;
    }

    public String nodeId() {
        return identity.nodeId();
    }

    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        closeQuietly(api);
        closeQuietly(orchestrator);
        closeQuietly(updater);
        closeQuietly(scheduler);
        closeQuietly(worker);
        closeQuietly(proposer);
        closeQuietly(runtimes);
    }

    private static void closeQuietly(AutoCloseable c) {
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
