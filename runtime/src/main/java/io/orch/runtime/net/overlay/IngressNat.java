package io.orch.runtime.net.overlay;

import io.orch.runtime.net.Subnet;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routing mesh's data path on one node: the nftables table {@code ip orch-mesh} in the
 * namespace the agent runs in (the host's in production), nothing else's touched.
 *
 * <ul>
 *   <li>DNAT: a new connection to any of this node's own addresses ({@code fib daddr type local})
 *       on a published port goes to one serving task on the ingress network, picked at random per
 *       connection ({@code numgen random}: no state shared between nodes, and a spread that does
 *       not depend on the order connections arrive in); conntrack keeps it there. In prerouting
 *       for traffic from outside, in output for the node's own, 127.0.0.1 included.</li>
 *   <li>SNAT: what was DNATed and leaves through the ingress bridge takes the node's ingress
 *       address, so the task's reply comes back to this node (whose conntrack undoes both) even
 *       when the task runs elsewhere. It also makes a 127.0.0.1 source routable, together with
 *       route_localnet on the bridge (without it the kernel drops a loopback source on a real
 *       interface as martian before postrouting).</li>
 *   <li>A published port with no serving task is refused at once (TCP reset, ICMP port
 *       unreachable for UDP) rather than left to time out, and never reaches a local listener
 *       that happens to use the same port.</li>
 * </ul>
 * The table is replaced as a whole by one {@code nft -f} run (one transaction: no moment with
 * half a ruleset), and not at all when the text is the one applied last.
 *
 * <p>A task that leaves the set also has its conntrack entries deleted ({@code conntrack -D
 * --reply-src TASK}). Otherwise a connection attempt DNATed to it just before it died leaves an
 * unanswered entry (SYN_SENT, two minutes) bound to it; the client gives up and frees its port,
 * and when it later reuses that port the new SYN matches the old entry and goes to the dead task
 * again, never reaching the NAT rules that would pick a live one. UDP flows are rebound the same
 * way instead of staying pinned to a dead task until their entry expires.
 */
public final class IngressNat {
    private static final Logger log = LoggerFactory.getLogger(IngressNat.class);
    public static final String TABLE = "orch-mesh";

    private final Commands commands;
    private final ForwardAccept forward;
    private final NftTable table;
    /** The bridge whose route_localnet and forwarding rules were set, or null. Guarded by {@code this}. */
    private String preparedBridge;
    /** Every backend of the rules applied last, to tell which ones left. Guarded by {@code this}. */
    private java.util.Set<Integer> backends = java.util.Set.of();
    private boolean conntrackMissingLogged; // guarded by this (forgetConnections runs only inside apply)

    /** In the agent's own network namespace. */
    public IngressNat() {
        this(Commands.LOCAL);
    }

    /** Seam for tests: the commands run where {@code commands} says (a namespace standing in for a node). */
    IngressNat(Commands commands) {
        this.commands = commands;
        this.forward = new ForwardAccept(commands);
        this.table = new NftTable(commands, "ip", TABLE);
    }

    /**
     * The nft script for {@code rules}: pure, equal rules give equal text. It starts by declaring
     * and deleting the table, so the run replaces whatever was there, or nothing.
     */
    public static String render(IngressRules rules) {
        List<String> dnat = new ArrayList<>();
        List<String> refuse = new ArrayList<>();
        for (IngressRules.Port p : rules.ports()) {
            String match = p.protocol().nft() + " dport " + p.published();
            List<Integer> b = p.backends();
            if (b.isEmpty()) {
                refuse.add("ct state new " + match + (p.protocol() == IngressRules.Protocol.TCP ? " reject with tcp reset" : " reject"));
            } else if (b.size() == 1) {
                dnat.add("fib daddr type local " + match + " dnat to " + Subnet.format(b.get(0)) + ":" + p.target());
            } else {
                StringBuilder map = new StringBuilder();
                for (int i = 0; i < b.size(); i++) {
                    map.append(i == 0 ? "" : ", ").append(i).append(" : ").append(Subnet.format(b.get(i)));
                }
                dnat.add("fib daddr type local " + match + " dnat to numgen random mod " + b.size() + " map { " + map + " } : "
                        + p.target());
            }
        }
        StringBuilder out = new StringBuilder(NftTable.clearScript("ip", TABLE)).append("table ip ").append(TABLE).append(" {\n");
        chain(out, "prerouting", "type nat hook prerouting priority dstnat; policy accept;", dnat);
        chain(out, "output", "type nat hook output priority -100; policy accept;", dnat);
        if (!dnat.isEmpty()) {
            chain(out, "postrouting", "type nat hook postrouting priority srcnat; policy accept;",
                    List.of("oifname \"" + rules.bridge() + "\" ct status dnat snat to " + Subnet.format(rules.nodeAddress())));
        }
        // input sees both: traffic from outside and the node's own (through lo) that no rule DNATed
        chain(out, "input", "type filter hook input priority filter; policy accept;", refuse);
        return out.append("}\n").toString();
    }

    private static void chain(StringBuilder out, String name, String hook, List<String> rules) {
        if (rules.isEmpty()) {
            return;
        }
        out.append("\tchain ").append(name).append(" {\n\t\t").append(hook).append('\n');
        rules.forEach(r -> out.append("\t\t").append(r).append('\n'));
        out.append("\t}\n");
    }

    /**
     * Makes the table exactly {@code rules}; empty: no table. Skipped when the text is the one
     * this instance applied last. The bridge is prepared first (route_localnet, and the
     * forwarding rules a DROP policy in iptables' FORWARD chain needs), once per bridge.
     */
    public synchronized void apply(Optional<IngressRules> rules) throws IOException {
        if (rules.isEmpty()) {
            clear();
            return;
        }
        IngressRules r = rules.get();
        String script = render(r);
        if (table.holds(script) && r.bridge().equals(preparedBridge)) {
            return;
        }
        if (!r.bridge().equals(preparedBridge)) {
            if (preparedBridge != null) {
                forward.remove(meshForwarding(preparedBridge));
            }
            // /proc/sys/net is the reader's namespace's: sysctl runs where the bridge is. Forwarding:
            // what arrives from outside leaves again through the ingress bridge.
            commands.check("sysctl", List.of("-q", "-w", "net.ipv4.ip_forward=1",
                    "net.ipv4.conf." + r.bridge() + ".route_localnet=1"), null);
            forward.allow(meshForwarding(r.bridge()));
            preparedBridge = r.bridge();
        }
        table.replace(script);
        log.info("routing mesh: {}", r);
        java.util.Set<Integer> now = new java.util.HashSet<>();
        r.ports().forEach(p -> now.addAll(p.backends()));
        for (int gone : backends) {
            if (!now.contains(gone)) {
                forgetConnections(gone);
            }
        }
        backends = now;
    }

    /** Deletes the conntrack entries whose replies come from {@code backend}: best effort. */
    private void forgetConnections(int backend) {
        if (Commands.find("conntrack").isEmpty()) {
            if (!conntrackMissingLogged) {
                conntrackMissingLogged = true;
                log.warn("the conntrack command is not installed (apt-get install conntrack): connections DNATed to a task "
                        + "that stopped are not forgotten, and a client reusing such a port can reach the stopped task");
            }
            return;
        }
        try {
            // exit 1 with "0 flow entries have been deleted" when there were none: not a failure
            Commands.Result res = commands.run("conntrack", List.of("-D", "--reply-src", Subnet.format(backend)), null);
            log.debug("routing mesh: forgot {}'s connections: {}", Subnet.format(backend), res.output().strip());
        } catch (IOException e) {
            log.warn("routing mesh: could not forget {}'s connections: {}", Subnet.format(backend), e.toString());
        }
    }

    /**
     * Deletes the table (and the forwarding rules this instance added), if there: when the node
     * leaves the swarm, or at agent start for what an earlier agent left. Never fails (logs a warning).
     */
    public synchronized void clear() {
        backends = java.util.Set.of();
        if (preparedBridge != null) {
            forward.remove(meshForwarding(preparedBridge));
            preparedBridge = null;
        }
        try {
            table.delete();
        } catch (IOException e) {
            log.warn("could not delete the routing mesh's table: {}", e.toString());
        }
    }

    /**
     * What iptables' FORWARD chain must let through when its policy is DROP (a dockerd on the same
     * host sets it so): connections the mesh DNATed into the ingress bridge, and their replies.
     */
    static List<List<String>> meshForwarding(String bridge) {
        return List.of(
                List.of("FORWARD", "-o", bridge, "-m", "conntrack", "--ctstate", "DNAT", "-j", "ACCEPT"),
                List.of("FORWARD", "-i", bridge, "-m", "conntrack", "--ctstate", "RELATED,ESTABLISHED", "-j", "ACCEPT"));
    }
}
