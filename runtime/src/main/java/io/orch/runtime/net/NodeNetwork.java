package io.orch.runtime.net;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import io.orch.runtime.net.overlay.OutboundNat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's container network: its subnet (claimed on first use), its bridge, its address
 * allocator, and for each task a network namespace joined to the bridge by a veth pair: eth0
 * inside with the task's address, loopback up, a default route via the bridge's gateway.
 * Everything is keyed by task id and persisted (named netns, IPAM file), so an agent restarted
 * after kill -9 can still tear down what an earlier one set up.
 *
 * <p>Containers reach beyond the node through it: forwarding and masquerading for the subnet
 * ({@link OutboundNat}) are set up with the bridge once the agent manages them, for every
 * container but those it names ({@link #masqueradeExcept}).
 */
public final class NodeNetwork {
    private static final Logger log = LoggerFactory.getLogger(NodeNetwork.class);
    /** Where iproute2 keeps named network namespaces (its compiled-in default) and the kernel lists interfaces. */
    private static final Path NETNS_DIR = Path.of("/var/run/netns");
    private static final Path SYS_NET = Path.of("/sys/class/net");
    private final NetworkConfig config;
    private final Path stateDir;
    private volatile Ipam ipam; // set once, under this (claimSubnet); volatile: read without the lock elsewhere
    /**
     * The bridge's interface index when it was last made sure of, or null. Written under
     * {@code this}; volatile for ensureBridge's lock-free first look.
     */
    private volatile String bridgeChecked;
    /**
     * Whether this JVM created a namespace yet. The first {@code ip netns add} on a machine makes
     * {@code /var/run/netns} a shared mount point; several doing that at once can stack mounts,
     * so until one has succeeded, namespaces are created one at a time. Set under
     * {@code NETNS_DIR_LOCK}, read first without it.
     */
    private static volatile boolean netnsDirReady;
    private static final Object NETNS_DIR_LOCK = new Object();
    private final OutboundNat outbound = new OutboundNat(); // thread-safe itself: applied with and without this held
    /**
     * Container addresses whose outbound traffic is not masqueraded; null until an agent manages
     * outbound NAT (a runtime used on its own, as in the runtime's tests, changes no forwarding).
     * Written under {@code this} (masqueradeExcept), and every applyOutbound() holds {@code this}
     * too, so the rules applied last are always from the set written last; volatile for readers.
     */
    private volatile Set<Integer> noMasquerade;
    private volatile boolean outboundWarned; // no lock: two threads may both warn, harmlessly

    /**
     * @param stateDir this agent's network state (the chosen subnet and the IPAM file), under its data dir
     */
    public NodeNetwork(NetworkConfig config, Path stateDir) {
        this.config = config;
        this.stateDir = stateDir.toAbsolutePath();
    }

    public NetworkConfig config() {
        return config;
    }

    /** Why bridged containers cannot be networked here, or empty. */
    public static Optional<String> unavailableReason() {
        if (IpCommand.find().isEmpty()) {
            return Optional.of("the ip command is not installed (apt-get install iproute2)");
        }
        return Optional.empty();
    }

    /** The node's subnet, claimed on first use, and a ready bridge holding its gateway. */
    private Ipam ready() throws IOException {
        Ipam known = ipam;
        return known != null ? known : claimSubnet();
    }

    private synchronized Ipam claimSubnet() throws IOException {
        if (ipam == null) {
            Subnet subnet = SubnetClaims.claim(config.claimsDir(), config.pool(), config.nodePrefix(), stateDir);
            Bridge.ensure(config.bridge(), subnet);
            bridgeChecked = interfaceIndex(config.bridge());
            applyOutbound(subnet);
            ipam = Ipam.open(stateDir, subnet);
            log.info("container network: bridge {} with subnet {}", config.bridge(), subnet);
        }
        return ipam;
    }

    /** This node's subnet (claims it if that has not happened yet). */
    public Subnet subnet() throws IOException {
        return ready().subnet();
    }

    /**
     * Gives the task a network namespace on the bridge with its own address. A leftover
     * namespace of the same task (a retried start) is replaced; the address stays the task's.
     * Safe to call for different tasks at once: containers of one service start in parallel.
     */
    public Attachment attach(String taskId) throws IOException {
        Ipam pool = ready();
        ensureBridge(pool.subnet()); // the bridge may have been removed by hand since
        Attachment a = new Attachment(netnsName(taskId), vethName(taskId), pool.allocate(taskId), pool.subnet());
        removeLinks(a.netns(), a.hostVeth());
        try {
            if (netnsDirReady) {
                createLinks(a);
            } else {
                synchronized (NETNS_DIR_LOCK) { // see netnsDirReady
                    createLinks(a);
                    netnsDirReady = true;
                }
            }
        } catch (IOException e) {
            detach(taskId);
            throw e;
        }
        log.debug("task {}: netns {} on bridge {} as {}", taskId, a.netns(), config.bridge(), a.cidr());
        return a;
    }

    /**
     * Two ip processes per task (host side, then inside the namespace), each running its
     * commands as a batch: a fork and exec per command made a container's network cost more
     * than starting it.
     */
    private void createLinks(Attachment a) throws IOException {
        IpCommand.checkBatch(null, List.of(
                List.of("netns", "add", a.netns()),
                List.of("link", "add", a.hostVeth(), "type", "veth", "peer", "name", "eth0", "netns", a.netns()),
                List.of("link", "set", a.hostVeth(), "master", config.bridge(), "up")));
        IpCommand.checkBatch(a.netns(), List.of(
                List.of("addr", "add", a.cidr(), "dev", "eth0"),
                List.of("link", "set", "lo", "up"),
                List.of("link", "set", "eth0", "up"),
                List.of("route", "add", "default", "via", a.gateway())));
    }

    /**
     * Makes sure the bridge is there, set up with our gateway. Checking that takes several ip
     * and iptables runs, so it is done again only when the bridge's interface index changed
     * (it was deleted, and perhaps re-created, by hand) since the last check.
     */
    private void ensureBridge(Subnet subnet) throws IOException {
        String index = interfaceIndex(config.bridge());
        if (index != null && index.equals(bridgeChecked)) {
            return;
        }
        synchronized (this) {
            index = interfaceIndex(config.bridge());
            if (index == null || !index.equals(bridgeChecked)) {
                Bridge.ensure(config.bridge(), subnet);
                bridgeChecked = interfaceIndex(config.bridge());
                applyOutbound(subnet);
            }
        }
    }

    /**
     * Containers at these addresses (on networks with masquerading turned off) leave the node
     * with their own source address; every other one is masqueraded. Applied at once if the
     * subnet is claimed, else when it is.
     */
    public synchronized void masqueradeExcept(Set<Integer> addresses) {
        noMasquerade = Set.copyOf(addresses);
        Ipam known = ipam;
        if (known != null) {
            applyOutbound(known.subnet());
        }
    }

    /** Removes the subnet's outbound NAT (the node leaves the swarm). Never fails. */
    public synchronized void removeOutbound() {
        Ipam known = ipam;
        if (known != null && OutboundNat.unavailableReason().isEmpty()) {
            outbound.clear(Optional.of(known.subnet()));
        }
    }

    /** Best effort: a node without nft (or not root) runs its containers without a way out, and says so. */
    private void applyOutbound(Subnet subnet) {
        Set<Integer> except = noMasquerade;
        if (except == null) {
            return;
        }
        Optional<String> why = OutboundNat.unavailableReason();
        if (why.isPresent()) {
            if (!outboundWarned) {
                outboundWarned = true;
                log.warn("containers on {} cannot reach beyond this node: {}", config.bridge(), why.get());
            }
            return;
        }
        SortedSet<Integer> off = new TreeSet<>(Integer::compareUnsigned);
        except.stream().filter(subnet::contains).forEach(off::add);
        try {
            outbound.apply(new OutboundNat.Rules(config.bridge(), subnet, off));
        } catch (IOException e) {
            log.warn("containers on {} cannot reach beyond this node: {}", config.bridge(), e.toString());
        }
    }

    private static String interfaceIndex(String name) {
        try {
            return Files.readString(SYS_NET.resolve(name).resolve("ifindex")).trim();
        } catch (IOException e) {
            return null;
        }
    }

    /** Deletes the task's namespace and veth and frees its address. Idempotent; works for tasks of earlier agents. */
    public void detach(String taskId) {
        removeLinks(netnsName(taskId), vethName(taskId));
        try {
            if (ipam != null || addressesKeptHere()) {
                ready().release(taskId);
            }
        } catch (IOException e) {
            log.warn("could not release the address of task {}: {}", taskId, e.toString());
        }
    }

    /** Whether an IPAM state exists (so a detach need not claim a subnet on a node that never had one). */
    private boolean addressesKeptHere() {
        return Files.exists(stateDir.resolve("subnet"));
    }

    /** The tasks holding an address on this node's bridge (each has a namespace and veth unless detached). */
    public java.util.Set<String> attachedTasks() throws IOException {
        if (ipam == null && !addressesKeptHere()) {
            return java.util.Set.of();
        }
        return ready().allocations().keySet();
    }

    /** The task's current address, if it has one. */
    public Optional<String> addressOf(String taskId) throws IOException {
        if (ipam == null && !addressesKeptHere()) {
            return Optional.empty();
        }
        Ipam pool = ready();
        return pool.addressOf(taskId).map(a -> Subnet.format(a) + "/" + pool.subnet().prefix());
    }

    /**
     * Looks before it deletes (in the file system: no process for a namespace or link that is
     * not there, the usual case when a task starts).
     */
    private static void removeLinks(String netns, String veth) {
        try {
            // deleting the namespace deletes eth0, and with it (soon: the kernel does it
            // asynchronously) the host end of the pair
            if (Files.exists(NETNS_DIR.resolve(netns))) {
                IpCommand.Result r = IpCommand.run("netns", "del", netns);
                if (!r.ok() && !r.output().contains("No such file")) {
                    log.warn("ip netns del {}: {}", netns, r.output());
                }
            }
            if (Files.exists(SYS_NET.resolve(veth))) {
                IpCommand.Result r = IpCommand.run("link", "del", veth);
                if (!r.ok() && Files.exists(SYS_NET.resolve(veth))) {
                    log.warn("ip link del {}: {}", veth, r.output());
                }
            }
        } catch (IOException e) {
            log.warn("could not remove the network of {}: {}", netns, e.toString());
        }
    }

    /** The namespace's name: readable (the task id) when it is a safe file name. */
    public static String netnsName(String taskId) {
        String name = "orch-" + taskId;
        return name.length() <= 200 && taskId.matches("[A-Za-z0-9_.-]+") ? name : "orch-" + hash(taskId, 32);
    }

    /** Interface names are at most 15 bytes: "veth" + 11 hex digits of the task id's hash. */
    public static String vethName(String taskId) {
        return "veth" + hash(taskId, 11);
    }

    private static String hash(String s, int hexDigits) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d).substring(0, hexDigits);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
