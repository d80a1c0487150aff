package io.orch.runtime.net;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs iproute2's {@code ip} (links, addresses, routes, network namespaces). Its output is
 * short and it starts no long-lived children, so reading it through a pipe is safe.
 */
final class IpCommand {
    private static final List<String> SEARCH = List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin");
    private static final int TIMEOUT_SECONDS = 20;

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
        Path ip = find().orElseThrow(() -> new IOException("the ip command is not installed (apt-get install iproute2)"));
        List<String> argv = new ArrayList<>();
        argv.add(ip.toString());
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        try {
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("ip " + String.join(" ", args) + " timed out");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8).trim());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted running ip", e);
        }
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
