package io.orch.packaging.cluster;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The packaged bin/orch (system property orch.dist, as failsafe and bench/run set it). */
final class OrchBinary {
    static final Path HOME = Path.of(System.getProperty("orch.dist", "target/orch")).toAbsolutePath();
    static final Path BIN = HOME.resolve("bin/orch");
    /**
     * Five agents share two cores in CI: a smaller heap than the launcher's default keeps them
     * from crowding each other out. ORCH_AGENT_JAVA_OPTS is how bin/orch takes agent JVM options.
     */
    static final Map<String, String> AGENT_ENV = Map.of("ORCH_AGENT_JAVA_OPTS", "-Xms32m -Xmx256m -XX:+UseSerialGC");

    record Result(int exit, String out, String err) {
        List<String> errLines() {
            return err.isBlank() ? List.of() : List.of(err.strip().split("\n"));
        }

        @Override
        public String toString() {
            return "exit " + exit + "\nstdout: " + out.strip() + "\nstderr: " + err.strip();
        }
    }

    private OrchBinary() {}

    static void requireBuilt() {
        if (!Files.isExecutable(BIN)) {
            throw new IllegalStateException(BIN + " is missing: build the distribution first "
                    + "(mvn -B -o -q install -DskipTests)");
        }
    }

    /** Runs {@code [prefix...] orch args...} to completion, bounded by {@code limit}. */
    static Result run(List<String> prefix, List<String> args, Map<String, String> env, Duration limit)
            throws IOException, InterruptedException {
        return run(prefix, args, env, limit, new File("/dev/null"));
    }

    /** The CLI with {@code input} on its standard input (a secret that must not be in argv). */
    static Result cliWithInput(List<String> prefix, int apiPort, String input, String... args)
            throws IOException, InterruptedException {
        List<String> all = new ArrayList<>(List.of("-H", "tcp://127.0.0.1:" + apiPort));
        all.addAll(List.of(args));
        Path in = Files.createTempFile("orch-in", ".txt");
        try {
            Files.writeString(in, input, StandardCharsets.UTF_8);
            return run(prefix, all, Map.of(), Duration.ofSeconds(60), in.toFile());
        } finally {
            Files.deleteIfExists(in);
        }
    }

    private static Result run(List<String> prefix, List<String> args, Map<String, String> env, Duration limit, File stdin)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(BIN.toString());
        cmd.addAll(args);
        Path out = Files.createTempFile("orch-out", ".txt");
        Path err = Files.createTempFile("orch-err", ".txt");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(stdin));
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("orch " + args + " did not finish within " + limit.toSeconds() + " s");
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** The CLI against one agent's API address, e.g. {@code orch -H tcp://127.0.0.1:A join-token -q worker}. */
    static Result cli(List<String> prefix, int apiPort, String... args) throws IOException, InterruptedException {
        List<String> all = new ArrayList<>(List.of("-H", "tcp://127.0.0.1:" + apiPort));
        all.addAll(List.of(args));
        return run(prefix, all, Map.of(), Duration.ofSeconds(60));
    }
}
