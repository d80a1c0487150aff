package io.orch.runtime.net;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's container network: its subnet (claimed on first use), its bridge, its address
 * allocator, and for each task a network namespace joined to the bridge by a veth pair: eth0
 * inside with the task's address, loopback up, a default route via the bridge's gateway.
 * Everything is keyed by task id and persisted (named netns, IPAM file), so an agent restarted
 * after kill -9 can still tear down what an earlier one set up.
 */
public final class NodeNetwork {
    private static final Logger log = LoggerFactory.getLogger(NodeNetwork.class);
    private final NetworkConfig config;
    private final Path stateDir;
    private Ipam ipam;

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
    private synchronized Ipam ready() throws IOException {
        if (ipam == null) {
            Subnet subnet = SubnetClaims.claim(config.claimsDir(), config.pool(), config.nodePrefix(), stateDir);
            Bridge.ensure(config.bridge(), subnet);
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
     */
    public synchronized Attachment attach(String taskId) throws IOException {
        Ipam pool = ready();
        Bridge.ensure(config.bridge(), pool.subnet()); // the bridge may have been removed by hand since
        Attachment a = new Attachment(netnsName(taskId), vethName(taskId), pool.allocate(taskId), pool.subnet());
        removeLinks(a.netns(), a.hostVeth());
        try {
            IpCommand.check("netns", "add", a.netns());
            IpCommand.check("link", "add", a.hostVeth(), "type", "veth", "peer", "name", "eth0", "netns", a.netns());
            IpCommand.check("link", "set", a.hostVeth(), "master", config.bridge());
            IpCommand.check("link", "set", a.hostVeth(), "up");
            IpCommand.check("-n", a.netns(), "addr", "add", a.cidr(), "dev", "eth0");
            IpCommand.check("-n", a.netns(), "link", "set", "lo", "up");
            IpCommand.check("-n", a.netns(), "link", "set", "eth0", "up");
            IpCommand.check("-n", a.netns(), "route", "add", "default", "via", a.gateway());
        } catch (IOException e) {
            detach(taskId);
            throw e;
        }
        log.debug("task {}: netns {} on bridge {} as {}", taskId, a.netns(), config.bridge(), a.cidr());
        return a;
    }

    /** Deletes the task's namespace and veth and frees its address. Idempotent; works for tasks of earlier agents. */
    public synchronized void detach(String taskId) {
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
        return java.nio.file.Files.exists(stateDir.resolve("subnet"));
    }

    /** The task's current address, if it has one. */
    public synchronized Optional<String> addressOf(String taskId) throws IOException {
        if (ipam == null && !addressesKeptHere()) {
            return Optional.empty();
        }
        Ipam pool = ready();
        return pool.addressOf(taskId).map(a -> Subnet.format(a) + "/" + pool.subnet().prefix());
    }

    private static void removeLinks(String netns, String veth) {
        try {
            // deleting the namespace deletes eth0, and with it the host end of the pair
            IpCommand.Result r = IpCommand.run("netns", "del", netns);
            if (!r.ok() && !r.output().contains("No such file")) {
                log.warn("ip netns del {}: {}", netns, r.output());
            }
            if (IpCommand.run("link", "show", "dev", veth).ok()) {
                IpCommand.run("link", "del", veth);
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
