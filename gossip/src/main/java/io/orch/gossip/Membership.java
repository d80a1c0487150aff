package io.orch.gossip;

import com.google.protobuf.ByteString;
import io.orch.gossip.time.ExecutorScheduler;
import io.orch.gossip.time.Scheduler;
import io.orch.gossip.transport.NettyTransport;
import io.orch.gossip.transport.Transport;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

/**
 * One member of a gossip cluster: SWIM failure detection with the Lifeguard extensions, membership
 * dissemination by piggybacked gossip, periodic full-state push-pull, and a small user broadcast
 * channel. Build one with {@link #builder(String)}, then {@link #start(List)}.
 *
 * <pre>{@code
 * Membership m = Membership.builder("node-1")
 *         .config(GossipConfig.lan())
 *         .bindAddress("10.0.0.5:7946")
 *         .metadata(nodeInfoBytes)
 *         .listener(event -> store.record(event))
 *         .build();
 * m.start(List.of("10.0.0.2:7946")).get(10, SECONDS);
 * }</pre>
 *
 * <p>All protocol work runs on one thread (or one virtual-time scheduler in the simulation); the
 * public methods are safe to call from any thread.
 */
public final class Membership implements AutoCloseable {

    private final SwimNode node;
    private final boolean ownsScheduler;
    private final GossipConfig config;

    private Membership(SwimNode node, boolean ownsScheduler) {
        this.node = node;
        this.ownsScheduler = ownsScheduler;
        this.config = node.config;
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /**
     * Binds, starts probing and gossiping, and joins the cluster through {@code seedAddresses}
     * ({@code host:port}; empty = first member of a new cluster). The future completes with the number
     * of seeds that answered, or fails with {@link JoinException} if none did (the member keeps
     * running alone; call {@link #join(List)} to try again).
     */
    public CompletableFuture<Integer> start(List<String> seedAddresses) {
        return node.start(parse(seedAddresses));
    }

    /** Push-pulls with more seeds (after a failed join, or to merge two clusters). */
    public CompletableFuture<Integer> join(List<String> seedAddresses) {
        List<Address> seeds = parse(seedAddresses);
        CompletableFuture<Integer> result = new CompletableFuture<>();
        node.run(() -> node.antiEntropy.join(seeds).whenComplete((n, e) -> {
            if (e != null) {
                result.completeExceptionally(e);
            } else {
                result.complete(n);
            }
        }));
        return result;
    }

    /** Every member known, the local one included; DEAD and LEFT ones until they are reaped. */
    public List<Member> members() {
        return node.snapshot();
    }

    /** Members currently ALIVE or SUSPECT, the local one included. */
    public List<Member> liveMembers() {
        return node.snapshot().stream().filter(m -> m.state().isLive()).toList();
    }

    public Optional<Member> member(String name) {
        return node.snapshot().stream().filter(m -> m.name().equals(name)).findFirst();
    }

    /** The local member, or null before {@link #start}. */
    public Member localMember() {
        return node.localSnapshot();
    }

    public String name() {
        return node.name;
    }

    /**
     * Publishes new metadata (opaque to gossip; at most {@link GossipConfig#maxMetadataBytes()}): raises
     * the local incarnation, so every member applies it and reports UPDATED.
     */
    public void updateLocalMetadata(byte[] metadata) {
        ByteString bytes = checkedMetadata(metadata, config);
        node.run(() -> node.updateMetadata(bytes));
    }

    /**
     * Sends {@code payload} to every member, piggybacked on protocol traffic; each member delivers it
     * once to {@link MembershipListener#onUserMessage}. Best effort, bounded in size
     * ({@link GossipConfig#maxUserMessageBytes()}) and in backlog.
     */
    public void broadcast(byte[] payload) {
        Objects.requireNonNull(payload, "payload");
        if (payload.length > config.maxUserMessageBytes()) {
            throw new IllegalArgumentException("user message of " + payload.length + " bytes exceeds "
                    + config.maxUserMessageBytes());
        }
        ByteString bytes = ByteString.copyFrom(payload);
        node.run(() -> node.broadcastUser(bytes));
    }

    /**
     * Leaves gracefully: announces LEFT and completes once the announcement has been gossiped out (or
     * after {@code timeout}). Call {@link #close()} afterwards.
     */
    public CompletableFuture<Void> leave(Duration timeout) {
        return node.leave(timeout, Duration.ZERO);
    }

    /**
     * Leaves for a planned restart (memberlist's leave intent with a grace): members see LEFT, with
     * {@link Member#restarting()} true until this member is back (ALIVE with a higher incarnation,
     * as any rejoin) or {@code grace} has passed, when a plain LEFT event follows. The application
     * decides what "restarting" means (orch keeps the node's tasks where they are). Completes like
     * {@link #leave(Duration)}; call {@link #close()} afterwards.
     */
    public CompletableFuture<Void> leaveForRestart(Duration grace, Duration timeout) {
        if (grace.isNegative() || grace.isZero()) {
            throw new IllegalArgumentException("restart grace must be positive: " + grace);
        }
        return node.leave(timeout, grace);
    }

    public CompletableFuture<Void> leave() {
        return leave(Duration.ofSeconds(5));
    }

    public GossipStats stats() {
        return node.stats();
    }

    /** Stops at once, without a leave announcement: the others will find this member DEAD. */
    @Override
    public void close() {
        node.close();
        if (ownsScheduler) {
            node.scheduler.shutdown();
        }
    }

    static ByteString checkedMetadata(byte[] metadata, GossipConfig config) {
        Objects.requireNonNull(metadata, "metadata");
        if (metadata.length > config.maxMetadataBytes()) {
            throw new IllegalArgumentException("metadata of " + metadata.length + " bytes exceeds "
                    + config.maxMetadataBytes());
        }
        return ByteString.copyFrom(metadata);
    }

    private static List<Address> parse(List<String> addresses) {
        return addresses.stream().map(Address::parse).toList();
    }

    /** Assembles a member. Only the name is required; everything else has a production default. */
    public static final class Builder {
        private final String name;
        private GossipConfig config = GossipConfig.lan();
        private Address bindAddress = new Address("127.0.0.1", 7946);
        private Transport transport;
        private Scheduler scheduler;
        private Random random;
        private Keyring keyring;
        private MembershipListener listener = MembershipListener.NONE;
        private GossipObserver observer = GossipObserver.NONE;
        private byte[] metadata = new byte[0];

        private Builder(String name) {
            Objects.requireNonNull(name, "name");
            if (name.isEmpty()) {
                throw new IllegalArgumentException("empty member name");
            }
            this.name = name;
        }

        public Builder config(GossipConfig config) {
            this.config = Objects.requireNonNull(config);
            return this;
        }

        /** Where the default Netty transport binds UDP and TCP (port 0 = any free port). */
        public Builder bindAddress(String hostPort) {
            return bindAddress(Address.parse(hostPort));
        }

        public Builder bindAddress(Address address) {
            this.bindAddress = Objects.requireNonNull(address);
            return this;
        }

        /** Replaces the Netty transport (the simulation passes its own). */
        public Builder transport(Transport transport) {
            this.transport = Objects.requireNonNull(transport);
            return this;
        }

        /** Replaces the real-time scheduler (the simulation passes a virtual-time one). */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler);
            return this;
        }

        public Builder random(Random random) {
            this.random = Objects.requireNonNull(random);
            return this;
        }

        /** Encrypts all traffic of the default Netty transport with the keyring's primary key. */
        public Builder keyring(Keyring keyring) {
            this.keyring = keyring;
            return this;
        }

        public Builder listener(MembershipListener listener) {
            this.listener = Objects.requireNonNull(listener);
            return this;
        }

        /** Hears probes, suspicions and deaths (metrics). */
        public Builder observer(GossipObserver observer) {
            this.observer = Objects.requireNonNull(observer);
            return this;
        }

        public Builder metadata(byte[] metadata) {
            this.metadata = Objects.requireNonNull(metadata).clone();
            return this;
        }

        public Membership build() {
            if (transport != null && keyring != null) {
                throw new IllegalStateException("a keyring configures the default transport; give it to your transport instead");
            }
            ByteString meta = checkedMetadata(metadata, config);
            Transport t = transport != null ? transport : new NettyTransport(bindAddress, config, keyring);
            boolean ownsScheduler = scheduler == null;
            Scheduler s = ownsScheduler ? new ExecutorScheduler("gossip-" + name) : scheduler;
            Random r = random != null ? random : new Random(new SecureRandom().nextLong());
            SwimNode node = new SwimNode(config, name, meta, t, s, r, listener);
            node.observer = observer;
            return new Membership(node, ownsScheduler);
        }
    }
}
