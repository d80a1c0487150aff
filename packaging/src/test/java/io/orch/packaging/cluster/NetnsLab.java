package io.orch.packaging.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A small virtual LAN for partition tests: hosts orchit-1..N are network namespaces, each with
 * one veth pair whose outer end (orchit-hI) is enslaved to the bridge orchit-br in this
 * namespace; host I has 10.214.0.(10+I)/24. Cutting a host off is taking its outer end down.
 * Needs root and a working {@code ip netns}; {@link #unavailableReason()} says why not.
 */
final class NetnsLab implements AutoCloseable {
    private static final String PREFIX = "orchit";
    private static final String BRIDGE = PREFIX + "-br";
    private static final String SUBNET = "10.214.0.";
    private final int hosts;

    /** Empty when this machine can build the lab; otherwise why it cannot (for a skip message). */
    static Optional<String> unavailableReason() {
        Run id = run(List.of("id", "-u"));
        if (id.exit != 0 || !id.out.strip().equals("0")) {
            return Optional.of("network-namespace tests need root (uid is " + id.out.strip() + ")");
        }
        String probe = PREFIX + "-probe";
        run(List.of("ip", "netns", "del", probe));
        Run add = run(List.of("ip", "netns", "add", probe));
        run(List.of("ip", "netns", "del", probe));
        if (add.exit != 0) {
            return Optional.of("`ip netns add` fails here: " + add.out.strip());
        }
        return Optional.empty();
    }

    NetnsLab(int hosts) {
        this.hosts = hosts;
        removeAll(); // what a killed earlier run may have left
        boolean built = false;
        try {
            must("ip", "link", "add", BRIDGE, "type", "bridge");
            must("ip", "addr", "add", SUBNET + "1/24", "dev", BRIDGE);
            must("ip", "link", "set", BRIDGE, "up");
            for (int i = 1; i <= hosts; i++) {
                String ns = netns(i);
                String outer = PREFIX + "-h" + i;
                String inner = PREFIX + "-c" + i;
                must("ip", "netns", "add", ns);
                must("ip", "link", "add", outer, "type", "veth", "peer", "name", inner);
                must("ip", "link", "set", inner, "netns", ns);
                must("ip", "link", "set", outer, "master", BRIDGE);
                must("ip", "link", "set", outer, "up");
                must("ip", "netns", "exec", ns, "ip", "addr", "add", ip(i) + "/24", "dev", inner);
                must("ip", "netns", "exec", ns, "ip", "link", "set", inner, "up");
                must("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up");
            }
            built = true;
        } finally {
            if (!built) {
                removeAll();
            }
        }
    }

    static String netns(int host) {
        return PREFIX + "-" + host;
    }

    static String ip(int host) {
        return SUBNET + (10 + host);
    }

    NodeHost host(int i) {
        return NodeHost.netns(netns(i), ip(i));
    }

    /** Host {@code i} for agents that run runc containers (see {@link NodeHost#netnsForContainers}). */
    NodeHost containerHost(int i) {
        return NodeHost.netnsForContainers(netns(i), ip(i));
    }

    /** Host {@code i} by the address its agent listens on. */
    int hostOf(NodeHost h) {
        for (int i = 1; i <= hosts; i++) {
            if (netns(i).equals(h.netns())) {
                return i;
            }
        }
        throw new IllegalArgumentException(h + " is not in this lab");
    }

    /** Cuts host {@code i} off the LAN: nothing goes in or out until {@link #heal}. */
    void isolate(int i) {
        must("ip", "link", "set", PREFIX + "-h" + i, "down");
    }

    void heal(int i) {
        must("ip", "link", "set", PREFIX + "-h" + i, "up");
    }

    /** Kills whatever still runs in the lab's namespaces (only this test starts anything there), then removes it all. */
    @Override
    public void close() {
        removeAll();
    }

    private void removeAll() {
        for (int i = 1; i <= Math.max(hosts, 3); i++) {
            String ns = netns(i);
            Run pids = run(List.of("ip", "netns", "pids", ns));
            if (pids.exit == 0) {
                for (String pid : pids.out.strip().split("\\s+")) {
                    if (!pid.isBlank()) {
                        ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
                    }
                }
                run(List.of("ip", "netns", "del", ns)); // takes its veth pair with it
            }
            run(List.of("ip", "link", "del", PREFIX + "-h" + i));
        }
        run(List.of("ip", "link", "del", BRIDGE));
    }

    private static void must(String... cmd) {
        Run r = run(List.of(cmd));
        if (r.exit != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed (" + r.exit + "): " + r.out.strip());
        }
    }

    private record Run(int exit, String out) {}

    private static Run run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(new ArrayList<>(cmd)).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Run(-1, "timed out");
            }
            return new Run(p.exitValue(), out);
        } catch (IOException e) {
            return new Run(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Run(-1, "interrupted");
        }
    }
}
