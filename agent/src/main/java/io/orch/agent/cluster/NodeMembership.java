package io.orch.agent.cluster;

import io.orch.api.concurrent.DaemonThreads;
import io.orch.api.proto.ManagerStatus;
import io.orch.api.proto.MemberMeta;
import io.orch.api.proto.NodeSpec;
import io.orch.gossip.Address;
import io.orch.gossip.GossipConfig;
import io.orch.gossip.Keyring;
import io.orch.gossip.Member;
import io.orch.gossip.Membership;
import io.orch.gossip.MembershipEvent;
import io.orch.gossip.transport.NettyTransport;
import io.orch.gossip.transport.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * This node in the cluster's gossip (SWIM): its member name is the node id, its metadata a
 * {@link MemberMeta} (role, RPC and Raft addresses, resources), its traffic encrypted with the
 * cluster's gossip key. Workers use {@link #managers()} to find a dispatcher; the leader's
 * {@code NodeHealthLoop} turns deaths into DOWN nodes.
 *
 * <pre>{@code
 * NodeMembership m = NodeMembership.create(new NodeMembership.Settings(nodeId, "0.0.0.0:7946",
 *         "10.0.0.5:7946", clusterGossipKey, GossipConfig.lan()), meta);
 * m.start(seeds).get(10, SECONDS);   // fails with JoinException inside if no seed answered
 * m.managers();                      // ["10.0.0.1:4242", ...]
 * }</pre>
 *
 * <p>Gossip calls its listener on its protocol thread, holding its member lock: this class only
 * hands each event to its own single thread there, and calls {@link MemberListener}s from that one.
 */
public final class NodeMembership implements MembershipView, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NodeMembership.class);

    /**
     * How to join.
     *
     * @param nodeId        this node's id (the gossip member name)
     * @param bindAddr      host:port gossip binds, UDP and TCP (port 0: any free port)
     * @param advertiseAddr host:port peers reach this node at (null: the bind address; port 0: the bound port)
     * @param gossipKey     the cluster's AES key (16, 24 or 32 bytes), or null for plain traffic; never logged
     * @param config        gossip timing ({@link GossipConfig#lan()} in production)
     */
    public record Settings(String nodeId, String bindAddr, String advertiseAddr, byte[] gossipKey, GossipConfig config) {
        public Settings {
            Objects.requireNonNull(nodeId, "nodeId");
            Objects.requireNonNull(bindAddr, "bindAddr");
            Objects.requireNonNull(config, "config");
            gossipKey = gossipKey == null ? null : gossipKey.clone();
        }

        @Override
        public String toString() { // the key is a cluster secret
            return "Settings[nodeId=" + nodeId + ", bindAddr=" + bindAddr + ", advertiseAddr=" + advertiseAddr
                    + ", encrypted=" + (gossipKey != null) + "]";
        }
    }

    /** Set once this node announced a leave or a restart. */
    private volatile boolean left;
    private final Membership gossip;
    private final int maxMetadataBytes;
    private final ExecutorService events;
    private final List<MemberListener> listeners = new CopyOnWriteArrayList<>();

    private NodeMembership(Settings settings, MemberMeta initial, io.orch.gossip.GossipObserver observer) {
        this.maxMetadataBytes = settings.config().maxMetadataBytes();
        this.events = Executors.newSingleThreadExecutor(DaemonThreads.factory("orch-membership-events"));
        Keyring keyring = settings.gossipKey() == null ? null : Keyring.of(settings.gossipKey());
        Transport transport = new NettyTransport(Address.parse(settings.bindAddr()), settings.config(), keyring);
        if (settings.advertiseAddr() != null) {
            transport = new AdvertisedTransport(transport, Address.parse(settings.advertiseAddr()));
        }
        this.gossip = Membership.builder(settings.nodeId())
                .config(settings.config())
                .transport(transport)
                .metadata(MemberMetadata.encode(withId(initial, settings.nodeId()), maxMetadataBytes))
                .listener(this::onGossipEvent)
                .observer(observer)
                .build();
    }

    /** A member ready to {@link #start}; nothing is bound yet. */
    public static NodeMembership create(Settings settings, MemberMeta initial) {
        return create(settings, initial, io.orch.gossip.GossipObserver.NONE);
    }

    /** @param observer hears this member's probes, suspicions and deaths (metrics) */
    public static NodeMembership create(Settings settings, MemberMeta initial, io.orch.gossip.GossipObserver observer) {
        return new NodeMembership(settings, initial, observer);
    }

    /**
     * Binds and joins through {@code seeds} (gossip host:port; empty for the first node). The
     * future fails (with gossip's JoinException) when no seed answered, e.g. a wrong key; the
     * member keeps running alone and {@link #join} may be tried again.
     */
    public CompletableFuture<Integer> start(List<String> seeds) {
        return gossip.start(seeds);
    }

    public CompletableFuture<Integer> join(List<String> seeds) {
        return gossip.join(seeds);
    }

    /** Publishes new metadata to every member (labels are dropped if they would not fit; see {@link MemberMetadata}). */
    public void publish(MemberMeta meta) {
        gossip.updateLocalMetadata(MemberMetadata.encode(withId(meta, gossip.name()), maxMetadataBytes));
    }

    /** Where this node's gossip is reached (the advertised address, with the bound port), or null before start. */
    public String gossipAddr() {
        Member self = gossip.localMember();
        return self == null ? null : self.address().toString();
    }

    @Override
    public Map<String, MemberInfo> members() {
        Map<String, MemberInfo> out = new LinkedHashMap<>();
        for (Member m : gossip.members()) {
            out.put(m.name(), info(m));
        }
        return out;
    }

    @Override
    public MemberHealth state(String nodeId) {
        return gossip.member(nodeId).map(MemberHealth::of).orElse(MemberHealth.UNKNOWN);
    }

    /** The ALIVE managers (this node included when it is one), with what they published. */
    public List<MemberMeta> aliveManagers() {
        List<MemberMeta> out = new ArrayList<>();
        for (MemberInfo m : members().values()) {
            if (m.health() == MemberHealth.ALIVE && m.meta().getRole() == NodeSpec.Role.MANAGER
                    && !m.meta().getListenAddr().isEmpty()) {
                out.add(m.meta());
            }
        }
        return out;
    }

    /** RPC addresses (host:port) of the ALIVE managers: where a worker finds a dispatcher. */
    public List<String> managers() {
        return aliveManagers().stream().map(MemberMeta::getListenAddr).toList();
    }

    /**
     * A manager's reachability as {@code docker node ls} shows it, from gossip: ALIVE or SUSPECT
     * (a suspicion may still be refuted) is reachable, DEAD or LEFT unreachable, never seen unknown.
     * A manager that says its Raft storage cannot take writes (a full disk) is unreachable too: it
     * is not a working member of the quorum until it recovers.
     */
    public ManagerStatus.Reachability reachability(String nodeId) {
        return switch (state(nodeId)) {
            case ALIVE, SUSPECT -> gossip.member(nodeId).map(m -> MemberMetadata.decode(m.metadata()).getStoreUnhealthy())
                    .orElse(false) ? ManagerStatus.Reachability.UNREACHABLE : ManagerStatus.Reachability.REACHABLE;
            case DEAD, LEFT, RESTARTING -> ManagerStatus.Reachability.UNREACHABLE;
            case UNKNOWN -> ManagerStatus.Reachability.UNKNOWN;
        };
    }

    @Override
    public void addListener(MemberListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Announces a graceful leave (peers see LEFT, not DEAD); call {@link #close()} afterwards. */
    public CompletableFuture<Void> leave(Duration timeout) {
        left = true;
        return gossip.leave(timeout);
    }

    /** Whether this node already announced a leave (or a restart): a second announcement adds nothing. */
    public boolean hasLeft() {
        return left;
    }

    /**
     * Announces a planned restart (peers see RESTARTING until this node is back or {@code grace}
     * runs out); call {@link #close()} afterwards.
     */
    public CompletableFuture<Void> leaveForRestart(Duration grace, Duration timeout) {
        left = true;
        return gossip.leaveForRestart(grace, timeout);
    }

    /** Stops at once, without a goodbye: peers will find this node DEAD. */
    @Override
    public void close() {
        gossip.close();
        events.shutdown();
        try {
            events.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** On gossip's protocol thread, under its lock: hand off and return. */
    private void onGossipEvent(MembershipEvent event) {
        MemberInfo info = info(event.member());
        try {
            events.execute(() -> deliver(info));
        } catch (RejectedExecutionException closing) {
            // closed: nobody is listening any more
        }
    }

    private void deliver(MemberInfo info) {
        for (MemberListener l : listeners) {
            try {
                l.changed(info);
            } catch (RuntimeException e) {
                log.warn("membership listener failed on {}: {}", info.nodeId(), e.toString());
            }
        }
    }

    private static MemberInfo info(Member m) {
        return new MemberInfo(m.name(), MemberHealth.of(m), MemberMetadata.decode(m.metadata()), m.address().toString());
    }

    private static MemberMeta withId(MemberMeta meta, String nodeId) {
        return meta.getNodeId().equals(nodeId) ? meta : meta.toBuilder().setNodeId(nodeId).build();
    }
}
