package io.orch.runtime.net.overlay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.orch.runtime.net.Subnet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's side of every overlay network, in the network namespace the agent runs in. Per
 * network (VNI): a bridge {@code obr<vni>} with no address (the host is not on the overlay, so
 * networks stay apart from each other and from the host) and a VXLAN device {@code ovx<vni>}
 * as one of its ports; each local task on the network is another port, through a veth pair
 * ({@code ov<hash>} here, e.g. eth1 in the task's namespace).
 *
 * <p>Forwarding is programmed, as Docker's overlay driver does, rather than learned or flooded
 * by multicast (which underlays rarely carry): for each task on another node, a permanent
 * neighbour entry on the VXLAN device (its {@code proxy} flag makes the device answer ARP for
 * it, so no ARP broadcast crosses the underlay) and a forwarding entry sending its MAC to its
 * node's underlay address. A frame to any other MAC is dropped at the VXLAN device.
 */
public final class OverlayDataPath {
    private static final Logger log = LoggerFactory.getLogger(OverlayDataPath.class);
    /** The IANA VXLAN port. */
    public static final int DEFAULT_PORT = 4789;
    static final String BRIDGE_PREFIX = "obr";
    static final String VXLAN_PREFIX = "ovx";
    /** Host ends of task veth pairs: "ov" and 11 hex digits, apart from NodeNetwork's "veth..." and from "ovx<digits>". */
    static final String VETH_PREFIX = "ov";
    private static final Pattern BRIDGE_NAME = Pattern.compile("obr([1-9][0-9]{0,7})");
    private static final Pattern VXLAN_NAME = Pattern.compile("ovx([1-9][0-9]{0,7})");
    private static final Pattern VETH_NAME = Pattern.compile("ov[0-9a-f]{11}");
    private static final Pattern IFNAME = Pattern.compile("[A-Za-z0-9_.-]{1,15}");
    private static final ObjectMapper JSON = new ObjectMapper();
    // no lock: two first callers may both run the kernel check, harmlessly; volatile publishes the answer
    private static volatile Optional<String> unavailable;

    private final String localVtep;
    private final int dataPort;
    private final Commands commands;
    /**
     * What each VXLAN device's forwarding is known to hold (by VNI), so that re-sending an
     * unchanged peer set costs no process. Absent: not known, read back from the kernel on the
     * next call (first use, after a failure, after the device was re-created). Guarded by
     * {@code this}: ensure, programPeers and delete are synchronized (attach, detach and isolate
     * touch no field).
     */
    private final Map<Integer, Forwarding> programmed = new HashMap<>();

    /**
     * @param localVtep this node's underlay IPv4 address: the VXLAN devices' source address, and
     *     what the other nodes send this node's tasks' traffic to
     * @param dataPort the VXLAN UDP port, the same on every node ({@link #DEFAULT_PORT})
     */
    public OverlayDataPath(String localVtep, int dataPort) {
        this(localVtep, dataPort, Commands.LOCAL);
    }

    /** Seam for tests: the commands run where {@code commands} says (another namespace, a simulated host). */
    OverlayDataPath(String localVtep, int dataPort, Commands commands) {
        io.orch.runtime.net.Subnet.parseAddress(localVtep);
        if (dataPort < 1 || dataPort > 65535) {
            throw new IllegalArgumentException("VXLAN port " + dataPort + " out of range");
        }
        this.localVtep = localVtep;
        this.dataPort = dataPort;
        this.commands = commands;
    }

    /** The VXLAN UDP port this data path's devices use. */
    public int dataPort() {
        return dataPort;
    }

    /**
     * Why overlay networks cannot work on this machine (a missing tool, a kernel without VXLAN),
     * or empty. The kernel check runs once per JVM.
     */
    public static Optional<String> unavailableReason() {
        for (String b : List.of("ip", "bridge", "nft", "nsenter")) {
            if (Commands.find(b).isEmpty()) {
                return Optional.of("the " + b + " command is not installed (" + Commands.packageOf(b) + ")");
            }
        }
        Optional<String> known = unavailable;
        if (known == null) {
            known = vxlanUnavailable();
            unavailable = known;
        }
        return known;
    }

    /**
     * A loaded (or built-in) module shows under /sys/module. Otherwise a throwaway VXLAN device
     * is created in a namespace of its own (unshare: it goes away with the process, nothing to
     * clean up), which also loads the module on demand as the real devices would.
     */
    private static Optional<String> vxlanUnavailable() {
        if (Files.isDirectory(Path.of("/sys/module/vxlan"))) {
            return Optional.empty();
        }
        if (Commands.find("unshare").isEmpty()) {
            return Optional.of("the kernel has no vxlan module loaded and unshare is missing to try one (apt-get install util-linux)");
        }
        try {
            String ip = Commands.find("ip").orElseThrow().toString();
            Commands.Result r = Commands.LOCAL.run("unshare",
                    List.of("--net", ip, "link", "add", "orchvxcheck", "type", "vxlan", "id", "1", "dstport", "4789"), null);
            return r.ok() ? Optional.empty() : Optional.of("the kernel cannot create VXLAN devices: " + r.output());
        } catch (IOException e) {
            return Optional.of("could not check for VXLAN support: " + e.getMessage());
        }
    }

    /** The MAC a task's overlay interface gets, from its address as Docker does: 02:42:a:b:c:d. */
    public static String mac(int address) {
        return String.format("02:42:%02x:%02x:%02x:%02x",
                address >>> 24, (address >>> 16) & 0xff, (address >>> 8) & 0xff, address & 0xff);
    }

    /**
     * The host end of a task's veth pair: deterministic (a retried start, or a later agent,
     * finds it again), 13 characters.
     */
    public static String hostVethName(String netns, String ifname) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest((netns + "/" + ifname).getBytes(StandardCharsets.UTF_8));
            return VETH_PREFIX + HexFormat.of().formatHex(d).substring(0, 11);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Makes sure the network's bridge and VXLAN device are there, set up as {@code net} says, and
     * up. Idempotent: one ip run to look when nothing is missing. A VXLAN device with other
     * parameters (another VNI, local address or port: a VNI reused after a network was removed,
     * a node whose address changed) is re-created; so is a device of the wrong kind under our name.
     */
    public synchronized void ensure(OverlaySpec net) throws IOException {
        Map<String, JsonNode> links = links();
        String bridge = net.bridge();
        String vxlan = net.vxlan();
        List<List<String>> cmds = new ArrayList<>();
        JsonNode br = links.get(bridge);
        if (br != null && !"bridge".equals(kind(br))) {
            cmds.add(List.of("link", "del", bridge));
            br = null;
        }
        JsonNode vx = links.get(vxlan);
        if (vx != null && !vxlanMatches(vx, net.vni())) {
            log.info("overlay {}: re-creating {} (was {})", net.networkId(), vxlan, vx.path("linkinfo").path("info_data"));
            cmds.add(List.of("link", "del", vxlan));
            vx = null;
        }
        if (br == null) {
            // no IPv6 link-local address either (set before it is up): the host stays off the overlay
            cmds.add(List.of("link", "add", bridge, "type", "bridge"));
            cmds.add(List.of("link", "set", bridge, "addrgenmode", "none"));
        }
        if (vx == null) {
            programmed.remove(net.vni());
            cmds.add(List.of("link", "add", vxlan, "mtu", Integer.toString(net.mtu()), "type", "vxlan",
                    "id", Integer.toString(net.vni()), "local", localVtep, "dstport", Integer.toString(dataPort),
                    "nolearning", "proxy"));
            cmds.add(List.of("link", "set", vxlan, "addrgenmode", "none"));
        }
        if (vx == null || vx.path("mtu").asInt() != net.mtu() || !bridge.equals(vx.path("master").asText()) || !isUp(vx)) {
            cmds.add(List.of("link", "set", vxlan, "mtu", Integer.toString(net.mtu()), "master", bridge, "up"));
        }
        // after the port is on it: a bridge takes its smallest port's MTU until one is set
        if (br == null || br.path("mtu").asInt() != net.mtu() || !isUp(br)) {
            cmds.add(List.of("link", "set", bridge, "mtu", Integer.toString(net.mtu()), "up"));
        }
        if (!cmds.isEmpty()) {
            commands.batch("ip", List.of(), cmds);
            log.info("overlay {}: {} and {} (VNI {}, local {}, port {}, MTU {})", net.networkId(), bridge, vxlan,
                    net.vni(), localVtep, dataPort, net.mtu());
        }
    }

    private boolean vxlanMatches(JsonNode link, int vni) {
        JsonNode data = link.path("linkinfo").path("info_data");
        return "vxlan".equals(kind(link))
                && data.path("id").asInt() == vni
                && localVtep.equals(data.path("local").asText())
                && data.path("port").asInt() == dataPort
                && !data.path("learning").asBoolean(true)
                && data.path("proxy").asBoolean(false);
    }

    /**
     * Makes the network's forwarding exactly {@code peers}: entries are added or changed for new
     * or moved peers and deleted for peers that are gone, in one ip and one bridge run; an
     * unchanged set runs nothing. Peers on this node (their VTEP is ours) are skipped: the bridge
     * reaches them directly. {@link #ensure} must have run for the network.
     */
    public synchronized void programPeers(OverlaySpec net, Collection<OverlayPeer> peers) throws IOException {
        Forwarding want = desired(net, peers);
        Forwarding known = programmed.get(net.vni());
        Forwarding have = known != null ? known : readBack(net);
        if (have.equals(want)) {
            programmed.put(net.vni(), have);
            return;
        }
        String dev = net.vxlan();
        List<List<String>> neigh = new ArrayList<>();
        List<List<String>> fdb = new ArrayList<>();
        have.neigh().forEach((ip, mac) -> {
            if (!want.neigh().containsKey(ip)) {
                neigh.add(List.of("neigh", "del", ip, "dev", dev));
            }
        });
        want.neigh().forEach((ip, mac) -> {
            if (!mac.equals(have.neigh().get(ip))) {
                neigh.add(List.of("neigh", "replace", ip, "lladdr", mac, "dev", dev, "nud", "permanent"));
            }
        });
        have.fdb().forEach((mac, dst) -> {
            if (!dst.equals(want.fdb().get(mac))) {
                fdb.add(List.of("fdb", "del", mac, "dev", dev, "dst", dst, "self"));
            }
        });
        want.fdb().forEach((mac, dst) -> {
            if (!dst.equals(have.fdb().get(mac))) {
                fdb.add(List.of("fdb", "replace", mac, "dev", dev, "dst", dst, "self", "permanent"));
            }
        });
        try {
            // forwarding entries first: a peer is reachable by the time ARP for it is answered
            commands.batch("bridge", List.of(), fdb);
            commands.batch("ip", List.of(), neigh);
        } catch (IOException e) {
            programmed.remove(net.vni()); // partly done: read back next time
            throw e;
        }
        programmed.put(net.vni(), want);
        log.debug("overlay {}: {} remote peers ({} neighbour and {} forwarding changes)", net.networkId(),
                want.neigh().size(), neigh.size(), fdb.size());
    }

    /** Neighbour entries (IP to MAC) and forwarding entries (MAC to VTEP) on one VXLAN device, sorted. */
    private record Forwarding(Map<String, String> neigh, Map<String, String> fdb) {}

    private Forwarding desired(OverlaySpec net, Collection<OverlayPeer> peers) {
        Map<String, String> neigh = new TreeMap<>();
        Map<String, String> fdb = new TreeMap<>();
        for (OverlayPeer p : peers.stream().sorted((a, b) -> Integer.compareUnsigned(a.address(), b.address())).toList()) {
            if (p.vtep().equals(localVtep)) {
                continue;
            }
            if (!net.subnet().contains(p.address())) {
                log.warn("overlay {}: peer {} is outside the network's subnet {}; programmed anyway", net.networkId(), p, net.subnet());
            }
            String ip = Subnet.format(p.address());
            String mac = mac(p.address());
            String was = fdb.putIfAbsent(mac, p.vtep());
            if (was != null && !was.equals(p.vtep())) {
                log.warn("overlay {}: {} is given on two nodes ({} and {}); keeping {}", net.networkId(), ip, was, p.vtep(), was);
                continue;
            }
            neigh.put(ip, mac);
        }
        return new Forwarding(neigh, fdb);
    }

    /** What the kernel holds for the device: IPv4 neighbours with a MAC, forwarding entries with a destination. */
    private Forwarding readBack(OverlaySpec net) throws IOException {
        Map<String, String> neigh = new TreeMap<>();
        for (JsonNode n : json(commands.check("ip", List.of("-j", "neigh", "show", "dev", net.vxlan()), null))) {
            String dst = n.path("dst").asText();
            if (n.hasNonNull("lladdr") && dst.indexOf(':') < 0) {
                neigh.put(dst, n.path("lladdr").asText().toLowerCase());
            }
        }
        Map<String, String> fdb = new TreeMap<>();
        for (JsonNode f : json(commands.check("bridge", List.of("-j", "fdb", "show", "dev", net.vxlan()), null))) {
            if (f.hasNonNull("dst") && f.hasNonNull("mac")) {
                fdb.put(f.path("mac").asText().toLowerCase(), f.path("dst").asText());
            }
        }
        return new Forwarding(neigh, fdb);
    }

    /**
     * Gives the task's namespace an interface on the network: {@code ifname} inside (address
     * {@code address/prefix}, MAC {@link #mac}, the network's MTU, up), the other end of a veth
     * pair on the network's bridge. A leftover of an earlier attempt is replaced. Two ip runs:
     * host side, then inside the namespace. Safe to call for different tasks at once.
     *
     * @param netns the named namespace (/var/run/netns/NAME), e.g. NodeNetwork's orch-TASK
     * @return the host end's name (see {@link #hostVethName})
     */
    public String attach(String netns, String ifname, OverlaySpec net, int address) throws IOException {
        if (!IFNAME.matcher(ifname).matches()) {
            throw new IllegalArgumentException("interface name " + ifname + " is not 1 to 15 letters, digits, '_', '.' or '-'");
        }
        if (!net.subnet().contains(address)) {
            throw new IllegalArgumentException(Subnet.format(address) + " is not in " + net.networkId() + "'s subnet " + net.subnet());
        }
        String host = hostVethName(netns, ifname);
        String mtu = Integer.toString(net.mtu());
        List<List<String>> hostSide = List.of(
                List.of("link", "add", host, "mtu", mtu, "type", "veth", "peer", "name", ifname,
                        "mtu", mtu, "address", mac(address), "netns", netns),
                List.of("link", "set", host, "master", net.bridge(), "up"));
        try {
            commands.batch("ip", List.of(), hostSide);
        } catch (IOException e) {
            if (!String.valueOf(e.getMessage()).contains("File exists")) {
                throw e;
            }
            // a retried start: the pair, or an interface of that name inside, is still there
            detach(netns, ifname);
            commands.batch("ip", List.of(), hostSide);
        }
        try {
            commands.batch("ip", List.of("-n", netns), List.of(
                    List.of("addr", "add", Subnet.format(address) + "/" + net.subnet().prefix(), "dev", ifname),
                    List.of("link", "set", ifname, "up")));
        } catch (IOException e) {
            detach(netns, ifname);
            throw e;
        }
        log.debug("netns {}: {} on overlay {} as {} (host end {})", netns, ifname, net.networkId(), Subnet.format(address), host);
        return host;
    }

    /**
     * Puts this node itself on the network (the ingress network of the routing mesh): its
     * bridge holds {@code address} (no other IPv4 address) and takes the MAC derived from it, as
     * a task's interface would, so that the other nodes, programming this node's address as a
     * peer, send frames for it to a MAC that the bridge delivers to the host. Idempotent: one ip
     * run to look when all is in place. {@link #ensure} must have run for the network.
     */
    public synchronized void assignNodeAddress(OverlaySpec net, int address) throws IOException {
        if (!net.subnet().contains(address)) {
            throw new IllegalArgumentException("node address " + Subnet.format(address) + " is not in " + net.networkId()
                    + "'s subnet " + net.subnet());
        }
        String bridge = net.bridge();
        String want = Subnet.format(address);
        List<List<String>> cmds = new ArrayList<>();
        boolean has = false;
        for (JsonNode link : json(commands.check("ip", List.of("-j", "addr", "show", "dev", bridge), null))) {
            if (!mac(address).equalsIgnoreCase(link.path("address").asText())) {
                cmds.add(List.of("link", "set", bridge, "address", mac(address)));
            }
            for (JsonNode a : link.path("addr_info")) {
                if (!"inet".equals(a.path("family").asText())) {
                    continue;
                }
                if (want.equals(a.path("local").asText()) && a.path("prefixlen").asInt() == net.subnet().prefix()) {
                    has = true;
                } else {
                    cmds.add(List.of("addr", "del", a.path("local").asText() + "/" + a.path("prefixlen").asInt(), "dev", bridge));
                }
            }
        }
        if (!has) {
            cmds.add(List.of("addr", "add", want + "/" + net.subnet().prefix(), "dev", bridge));
        }
        if (!cmds.isEmpty()) {
            commands.batch("ip", List.of(), cmds);
            log.info("overlay {}: this node is {} on {}", net.networkId(), want, bridge);
        }
    }

    /**
     * Takes the container's default route away: a task whose networks are all internal
     * ({@code --internal}) reaches its networks (and the node's DNS on the bridge subnet) and
     * nothing else, as Docker's internal networks do. Idempotent.
     */
    public void isolate(String netns) throws IOException {
        Commands.Result r = commands.run("ip", List.of("-n", netns, "route", "del", "default"), null);
        if (!r.ok() && !r.output().contains("No such process")) {
            throw new IOException("removing the default route of " + netns + ": " + r.output());
        }
    }

    /** Removes the task's interface on an overlay (both ends of the pair). Idempotent; never fails. */
    public void detach(String netns, String ifname) {
        try {
            Commands.Result r = commands.run("ip", List.of("link", "del", hostVethName(netns, ifname)), null);
            if (!r.ok() && !r.output().contains("Cannot find device")) {
                log.warn("removing {}'s overlay interface {}: {}", netns, ifname, r.output());
            }
            if (Files.exists(Path.of("/var/run/netns", netns))) {
                // an interface of that name left inside without its pair (or of another kind)
                commands.run("ip", List.of("-n", netns, "link", "del", ifname), null);
            }
        } catch (IOException e) {
            log.warn("could not remove {}'s overlay interface {}: {}", netns, ifname, e.toString());
        }
    }

    /** Deletes the network's bridge and VXLAN device, if there. Idempotent; never fails (logs a warning). */
    public void remove(OverlaySpec net) {
        delete(name -> name.equals(net.bridge()) || name.equals(net.vxlan()), Set.of(), false);
    }

    /**
     * Deletes the bridge and VXLAN device of every network whose VNI is not in {@code keepVnis}
     * (networks no longer used on this node). Task veths are left to their namespaces' removal.
     * Never fails (logs a warning).
     */
    public void removeExcept(Set<Integer> keepVnis) {
        delete(name -> true, keepVnis, false);
    }

    /**
     * For agent start, when no task is being attached: deletes exactly
     * <ul>
     *   <li>every bridge named {@code obr<N>} and VXLAN device named {@code ovx<N>} with N not in {@code keepVnis},</li>
     *   <li>every veth named {@code ov} + 11 hex digits that is on no bridge or on a bridge not kept
     *       (a task end whose overlay is gone; a pair whose namespace was deleted is gone already).</li>
     * </ul>
     * Devices of those names but another kind are not ours and are left alone. Never fails (logs a warning).
     */
    public void sweep(Set<Integer> keepVnis) {
        delete(name -> true, keepVnis, true);
    }

    /**
     * {@link #sweep} keeping every network that still has a container on it: for agent start,
     * when what the store says may not be known yet but running containers (tasks outlive
     * agents) must keep their networks. What goes: bridges with no port but their VXLAN device,
     * those VXLAN devices, and task veths on no kept bridge. A bridge holding an address (the
     * node's own on the ingress network) is kept too: the routing mesh keeps answering while the
     * agent restarts, and the next agent's first map says whether it stays.
     */
    public void sweepIdle() {
        Set<Integer> inUse = new java.util.HashSet<>();
        try {
            for (JsonNode link : links().values()) {
                Integer on = vniOf(link.path("master").asText(""), BRIDGE_NAME);
                if (on != null && !"vxlan".equals(kind(link))) {
                    inUse.add(on);
                }
            }
            for (JsonNode link : json(commands.check("ip", List.of("-4", "-j", "addr", "show"), null))) {
                Integer bridge = vniOf(link.path("ifname").asText(""), BRIDGE_NAME);
                if (bridge != null && link.path("addr_info").size() > 0) {
                    inUse.add(bridge);
                }
            }
        } catch (IOException e) {
            log.warn("could not list overlay devices: {}", e.toString());
            return;
        }
        sweep(inUse);
    }

    /**
     * Deletes every network bridge holding an address (this node's own on an ingress network,
     * see {@link #assignNodeAddress}) whose VNI is not in {@code keepVnis}, with its VXLAN device:
     * for the first map after an agent restart when it has no routing mesh for this node any
     * more. Bridges without an address (task networks) are never touched here. Never fails.
     */
    public void removeAddressedExcept(Set<Integer> keepVnis) {
        Set<Integer> addressed = new java.util.HashSet<>();
        try {
            for (JsonNode link : json(commands.check("ip", List.of("-4", "-j", "addr", "show"), null))) {
                Integer vni = vniOf(link.path("ifname").asText(""), BRIDGE_NAME);
                if (vni != null && link.path("addr_info").size() > 0 && !keepVnis.contains(vni)) {
                    addressed.add(vni);
                }
            }
        } catch (IOException e) {
            log.warn("could not list overlay addresses: {}", e.toString());
            return;
        }
        if (!addressed.isEmpty()) {
            delete(name -> {
                Integer vni = vniOf(name, BRIDGE_NAME.matcher(name).matches() ? BRIDGE_NAME : VXLAN_NAME);
                return vni != null && addressed.contains(vni);
            }, Set.of(), false);
        }
    }

    private synchronized void delete(java.util.function.Predicate<String> among, Set<Integer> keep, boolean veths) {
        try {
            Map<String, JsonNode> links = links();
            List<List<String>> cmds = new ArrayList<>();
            for (Map.Entry<String, JsonNode> e : links.entrySet()) {
                String name = e.getKey();
                if (!among.test(name)) {
                    continue;
                }
                String kind = kind(e.getValue());
                Integer vni = vniOf(name, BRIDGE_NAME.matcher(name).matches() && "bridge".equals(kind) ? BRIDGE_NAME
                        : VXLAN_NAME.matcher(name).matches() && "vxlan".equals(kind) ? VXLAN_NAME : null);
                if (vni != null && !keep.contains(vni)) {
                    cmds.add(List.of("link", "del", name));
                    programmed.remove(vni);
                } else if (veths && VETH_NAME.matcher(name).matches() && "veth".equals(kind)) {
                    Integer on = vniOf(e.getValue().path("master").asText(""), BRIDGE_NAME);
                    if (on == null || !keep.contains(on)) {
                        cmds.add(List.of("link", "del", name));
                    }
                }
            }
            if (!cmds.isEmpty()) {
                // -force: carry on past a device that went away meanwhile
                commands.batch("ip", List.of("-force"), cmds);
                log.info("overlay: removed {}", cmds.stream().map(c -> c.get(2)).toList());
            }
        } catch (IOException e) {
            log.warn("could not remove overlay devices: {}", e.toString());
        }
    }

    private static Integer vniOf(String name, Pattern pattern) {
        if (pattern == null) {
            return null;
        }
        var m = pattern.matcher(name);
        return m.matches() ? Integer.valueOf(m.group(1)) : null;
    }

    /** Every link in the namespace, by name, with details (kind, VXLAN parameters, master). */
    private Map<String, JsonNode> links() throws IOException {
        Map<String, JsonNode> byName = new LinkedHashMap<>();
        for (JsonNode l : json(commands.check("ip", List.of("-d", "-j", "link", "show"), null))) {
            byName.put(l.path("ifname").asText(), l);
        }
        return byName;
    }

    private static String kind(JsonNode link) {
        return link.path("linkinfo").path("info_kind").asText("");
    }

    private static boolean isUp(JsonNode link) {
        for (JsonNode f : link.path("flags")) {
            if ("UP".equals(f.asText())) {
                return true;
            }
        }
        return false;
    }

    private static JsonNode json(String output) throws IOException {
        if (output.isBlank()) {
            return JSON.createArrayNode();
        }
        return JSON.readTree(output);
    }
}
