package io.orch.runtime.net;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Runs iproute2's {@code ip} (links, addresses, routes, network namespaces). Its output is
 * short and it starts no long-lived children, so reading it through a pipe is safe.
 */
final class IpCommand {
    private static final List<String> SEARCH = List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin");

    private IpCommand() {}

    static Optional<Path> find() {
        return SEARCH.stream().map(d -> Path.of(d, "ip")).filter(Files::isExecutable).findFirst();
    }

    record Result(int exitCode, String output) {
        boolean ok() {
            return exitCode == 0;
        }
    }

    /** Runs {@code ip ARGS...} and returns its status and merged output. */
    static Result run(String... args) throws IOException {
        return exec(List.of(args), null);
    }

    /**
     * Runs several {@code ip} commands in one process ({@code ip [-n NETNS] -batch -}, a command
     * per line, stopping at the first that fails): one fork and exec instead of one per command,
     * which is most of the cost of setting up a container's network.
     *
     * @param netns the named network namespace the commands act in, or null for the agent's own
     * @throws IOException naming the commands and what ip said, if one failed
     */
    static void checkBatch(String netns, List<List<String>> commands) throws IOException {
        StringBuilder script = new StringBuilder();
        for (List<String> c : commands) {
            script.append(String.join(" ", c)).append('\n');
        }
        List<String> args = netns == null ? List.of("-batch", "-") : List.of("-n", netns, "-batch", "-");
        Result r = exec(args, script.toString());
        if (!r.ok()) {
            throw new IOException("ip " + String.join(" ", args) + " [" + script.toString().strip().replace("\n", "; ")
                    + "]: " + r.output());
        }
    }

    private static Result exec(List<String> args, String stdin) throws IOException {
        Path ip = find().orElseThrow(() -> new IOException("the ip command is not installed (apt-get install iproute2)"));
        List<String> argv = new ArrayList<>();
        argv.add(ip.toString());
        argv.addAll(args);
        ToolProcess.Output out = ToolProcess.run(argv, stdin, "ip " + String.join(" ", args));
        return new Result(out.exitCode(), out.text());
    }

    /** Runs {@code ip ARGS...}; a failure is an IOException quoting the command and what ip said. */
    static String check(String... args) throws IOException {
        Result r = run(args);
        if (!r.ok()) {
            throw new IOException("ip " + String.join(" ", args) + ": " + r.output());
        }
        return r.output();
    }
}
