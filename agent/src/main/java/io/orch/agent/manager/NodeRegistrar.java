package io.orch.agent.manager;

import io.orch.api.proto.EngineDescription;
import io.orch.api.proto.ManagerStatus;
import io.orch.api.proto.Node;
import io.orch.api.proto.NodeDescription;
import io.orch.api.proto.NodeResources;
import io.orch.api.proto.NodeSpec;
import io.orch.api.proto.NodeStatus;
import io.orch.api.proto.Platform;
import io.orch.raft.store.ClusterStore;
import io.orch.raft.store.StoreException;

import java.util.List;

/**
 * Writes this node's own entry: what it is (hostname, platform, resources, runtimes) and that it
 * is up. The spec (role, availability, labels) is the operator's and survives restarts.
 */
public final class NodeRegistrar {
    private NodeRegistrar() {}

    /**
     * @param addr        the node's address (host) other nodes reach it on
     * @param managerAddr its RPC (listen) address, host:port
     * @param gossipAddr  its gossip address, host:port
     */
    public record Facts(String nodeId, String hostname, String addr, String managerAddr, String gossipAddr,
                        List<String> runtimes, String engineVersion) {
        public Facts(String nodeId, String hostname, String addr, String managerAddr, List<String> runtimes,
                     String engineVersion) {
            this(nodeId, hostname, addr, managerAddr, "", runtimes, engineVersion);
        }
    }

    /** This host as a node description: hostname, platform, resources, engine. */
    public static NodeDescription describe(String hostname, String engineVersion) {
        return NodeDescription.newBuilder()
                .setHostname(hostname)
                .setPlatform(Platform.newBuilder().setOs("linux").setArchitecture(architecture()))
                .setResources(NodeResources.newBuilder()
                        .setNanoCpus(Runtime.getRuntime().availableProcessors() * 1_000_000_000L)
                        .setMemoryBytes(HostFacts.totalMemoryBytes()))
                .setEngine(EngineDescription.newBuilder().setEngineVersion(engineVersion))
                .build();
    }

    /** Registers a manager node (this node, when it is one). */
    public static void register(ClusterStore store, Facts facts, boolean leader) throws StoreException {
        register(store, facts, describe(facts.hostname(), facts.engineVersion()), leader);
    }

    /** As {@link #register(ClusterStore, Facts, boolean)}, with a description made by the caller (with its images). */
    public static void register(ClusterStore store, Facts facts, NodeDescription description, boolean leader) throws StoreException {
        store.updateAndWait(tx -> {
            Node existing = tx.read().node(facts.nodeId()).orElse(null);
            Node.Builder node = existing != null ? existing.toBuilder()
                    : Node.newBuilder().setId(facts.nodeId()).setSpec(NodeSpec.newBuilder()
                    .setRole(NodeSpec.Role.MANAGER).setAvailability(NodeSpec.Availability.ACTIVE));
            node.setDescription(description)
                    .setGossipAddr(facts.gossipAddr())
                    .setStatus(NodeStatus.newBuilder().setState(NodeStatus.State.READY).setAddr(facts.addr()))
                    .setManagerStatus(ManagerStatus.newBuilder().setLeader(leader)
                            .setReachability(ManagerStatus.Reachability.REACHABLE).setAddr(facts.managerAddr()))
                    .clearRuntimes().addAllRuntimes(facts.runtimes());
            if (existing == null) {
                tx.create(node.build());
            } else {
                tx.update(node.build());
            }
        });
    }

    /** As uname -m prints it (what Docker reports for a node): x86_64, aarch64. */
    public static String architecture() {
        String arch = System.getProperty("os.arch");
        return switch (arch) {
            case "x86_64", "amd64" -> "x86_64";
            case "aarch64" -> "aarch64";
            default -> arch;
        };
    }
}
