package io.orch.agent;

import io.orch.agent.net.NodeNetworking;

import io.orch.agent.api.ApiServer;
import io.orch.agent.pki.ApiTls;
import io.orch.agent.pki.LiveCredentials;
import io.orch.agent.api.SwarmMembership;
import io.orch.agent.manager.NodeRegistrar;
import io.orch.agent.metrics.AgentMetrics;
import io.orch.agent.seal.NodeKeyLock;
import io.orch.api.proto.NodeDescription;
import io.orch.runtime.RuntimeRegistry;
import io.orch.runtime.image.ImageStore;
import io.orch.runtime.image.registry.ImagePuller;
import io.orch.runtime.image.registry.NodeImageInventory;

import java.io.IOException;
import io.orch.runtime.image.registry.RegistryConfig;

import java.nio.file.Path;
import java.time.Clock;

/**
 * What every part of a running node shares: its flags, data directory, clock, metrics and runtimes.
 *
 * @param membership what the node's API calls to make it leave its swarm
 * @param nodeKey    where the node's credentials are saved, and under which unlock key its private key is
 *                   sealed (an autolocked manager): every writer of {@code node.key} goes through it
 */
record NodeContext(AgentConfig config, Path dataDir, Clock clock, AgentMetrics metrics, RuntimeRegistry runtimes,
                   ImageStore images, String version, NodeNetworking networking, SwarmMembership membership,
                   NodeKeyLock nodeKey) {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(NodeContext.class);

    /**
     * Opens the API on the unix socket and/or TCP address the flags name; with {@code --tlsverify}
     * the TCP address serves TLS over {@code credentials} (the node certificate, renewing in place,
     * and the cluster CA's client certificates) or the flags' files.
     */
    void listen(ApiServer api, LiveCredentials credentials) throws IOException, InterruptedException {
        if (config.apiSocket() != null) {
            api.startUnix(config.apiSocket());
        }
        if (config.apiAddr() != null) {
            ApiTls tls = config.apiTls() == null ? null : ApiTls.of(config.apiTls(), credentials);
            String unnamed = tls == null ? null : tls.hostNotNamed(config.apiAddr().host());
            if (unnamed != null) {
                LOG.warn(unnamed);
            }
            api.startTcp(config.apiAddr().socketAddress(), tls);
        }
    }

    /** Pulls what tasks need from registries (plain HTTP only for loopback and --insecure-registry registries). */
    ImagePuller imagePuller() {
        return new ImagePuller(images, registries()).observedBy(metrics.imagePulls());
    }

    /** The worker's task events and supervised tasks feed this node's metrics (each role has its own worker). */
    void measure(io.orch.agent.worker.Worker worker) {
        worker.observeTasks(metrics.taskEvents());
        metrics.followTasks(worker::supervisedTasks, config.hostname());
    }

    /** How this node talks to registries: the defaults plus its --insecure-registry list. */
    RegistryConfig registries() {
        return RegistryConfig.defaults().withInsecure(config.insecureRegistries());
    }

    /** What this node is: hostname, platform, resources, engine version. */
    NodeDescription description() {
        NodeDescription.Builder d = NodeRegistrar.describe(config.hostname(), version).toBuilder();
        try {
            NodeImageInventory.describe(d, images, true);
        } catch (IOException e) {
            // without a readable image list the node reports none, and placement ignores images for it
        }
        return d.build();
    }
}
