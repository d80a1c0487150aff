package io.orch.runtime.net.overlay;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import io.orch.runtime.net.ToolProcess;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs the network tools (ip, bridge, nft, sysctl) the overlay needs, optionally inside another
 * network namespace through {@code nsenter --net=PATH}: that is how tests give each simulated
 * host its own namespace, and how {@link NamespaceNat} reaches a container's. nsenter rather
 * than {@code ip netns exec}, which also unshares the mount namespace and remounts /sys: more
 * work, and nothing these tools need. Their output is short and they start no long-lived
 * children, so reading it through a pipe is safe.
 */
final class Commands {
    private static final List<String> SEARCH = List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin");
    /** In the agent's own network namespace. */
    static final Commands LOCAL = new Commands(null);

    /** The namespace file the commands run in, or null for the agent's. */
    private final Path netns;
    /** Processes started, for tests asserting that an unchanged request runs none. */
    private final AtomicInteger runs = new AtomicInteger();

    private Commands(Path netns) {
        this.netns = netns;
    }

    /** Commands run inside the network namespace whose file (e.g. /var/run/netns/NAME) this is. */
    static Commands inNetns(Path netnsFile) {
        return new Commands(netnsFile);
    }

    int runs() {
        return runs.get();
    }

    static Optional<Path> find(String binary) {
        return SEARCH.stream().map(d -> Path.of(d, binary)).filter(Files::isExecutable).findFirst();
    }

    record Result(int exitCode, String output) {
        boolean ok() {
            return exitCode == 0;
        }
    }

    /** Runs {@code BINARY ARGS...}, feeding it {@code stdin} if not null; merged output. */
    Result run(String binary, List<String> args, String stdin) throws IOException {
        List<String> argv = new ArrayList<>();
        if (netns != null) {
            argv.add(binary("nsenter").toString());
            argv.add("--net=" + netns);
        }
        argv.add(binary(binary).toString());
        argv.addAll(args);
        runs.incrementAndGet();
        ToolProcess.Output out = ToolProcess.run(argv, stdin, describe(binary, args));
        return new Result(out.exitCode(), out.text());
    }

    /** As {@link #run}; a failure is an IOException quoting the command, its input and what it said. */
    String check(String binary, List<String> args, String stdin) throws IOException {
        Result r = run(binary, args, stdin);
        if (!r.ok()) {
            String script = stdin == null ? "" : " [" + stdin.strip().replace("\n", "; ") + "]";
            throw new IOException(describe(binary, args) + script + ": " + r.output());
        }
        return r.output();
    }

    /**
     * Runs the commands as one {@code -batch -} process (ip and bridge both take it), a command a
     * line, stopping at the first that fails: one fork and exec instead of one per entry.
     */
    void batch(String binary, List<String> globalOptions, List<List<String>> commands) throws IOException {
        if (commands.isEmpty()) {
            return;
        }
        StringBuilder script = new StringBuilder();
        for (List<String> c : commands) {
            script.append(String.join(" ", c)).append('\n');
        }
        List<String> args = new ArrayList<>(globalOptions);
        args.add("-batch");
        args.add("-");
        check(binary, args, script.toString());
    }

    private String describe(String binary, List<String> args) {
        return (netns == null ? "" : "(in " + netns + ") ") + binary + " " + String.join(" ", args);
    }

    private static Path binary(String name) throws IOException {
        return find(name).orElseThrow(() -> new IOException("the " + name + " command is not installed (" + packageOf(name) + ")"));
    }

    static String packageOf(String binary) {
        return switch (binary) {
            case "ip", "bridge" -> "apt-get install iproute2";
            case "nft" -> "apt-get install nftables";
            case "nsenter", "unshare" -> "apt-get install util-linux";
            case "sysctl" -> "apt-get install procps";
            case "conntrack" -> "apt-get install conntrack";
            default -> "install " + binary;
        };
    }
}
