package io.orch.runtime.docker;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A Docker daemon of the test's own (never the machine's /var/run/docker.sock): started in a
 * scratch dir when dockerd is installed and we are root, on a bridge of its own (its own name and
 * subnet, not docker0) with no iptables rules, no ip_forward change and no masquerading, so it
 * cannot disturb other tests' networking (published ports go through docker-proxy); stopped by
 * its PID afterwards, and its bridge deleted. Skips the tests, printing why, where it cannot run.
 */
public final class PrivateDockerd implements BeforeAllCallback, AfterAllCallback {
    private static final Duration START_DEADLINE = Duration.ofSeconds(60);
    private static final Duration STOP_DEADLINE = Duration.ofSeconds(30);

    private Path dir;
    private Process dockerd;
    private String bridge;

    public Path socket() {
        return dir.resolve("docker.sock");
    }

    /** Why no private dockerd can run here, or empty. */
    public static Optional<String> unavailableReason() {
        if (!isRoot()) {
            return Optional.of("not root (dockerd needs root)");
        }
        Optional<Path> binary = Stream.of(System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin").split(File.pathSeparator))
                .map(p -> Path.of(p, "dockerd")).filter(Files::isExecutable).findFirst();
        if (binary.isEmpty() && !Files.isExecutable(Path.of("/usr/sbin/dockerd"))) {
            return Optional.of("dockerd is not installed (apt-get install docker.io)");
        }
        return Optional.empty();
    }

    private static boolean isRoot() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("Uid:"))
                    .anyMatch(l -> l.split("\\s+")[2].equals("0"));
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Optional<String> reason = unavailableReason();
        if (reason.isPresent()) {
            System.out.println("SKIPPING docker tests: " + reason.get());
        }
        Assumptions.assumeTrue(reason.isEmpty(), () -> reason.get());
        // Short path: containerd's sockets under the exec root must fit a unix socket address.
        dir = Files.createTempDirectory(Path.of("/tmp"), "orch-dockerd-");
        long pid = ProcessHandle.current().pid();
        bridge = "orchdk" + pid % 100_000;
        String gateway = "10.231." + (20 + pid % 200) + ".1/24";
        run("ip", "link", "add", bridge, "type", "bridge");
        run("ip", "addr", "add", gateway, "dev", bridge);
        run("ip", "link", "set", bridge, "up");
        List<String> argv = List.of(Files.isExecutable(Path.of("/usr/sbin/dockerd")) ? "/usr/sbin/dockerd" : "dockerd",
                "--data-root", dir.resolve("root").toString(),
                "--exec-root", dir.resolve("exec").toString(),
                "--pidfile", dir.resolve("docker.pid").toString(),
                "--host", "unix://" + socket(),
                "--bridge=" + bridge, "--iptables=false", "--ip-forward=false", "--ip-masq=false");
        dockerd = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(dir.resolve("dockerd.log").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        try (DockerEngine engine = new DockerEngine(socket())) {
            await("private dockerd answering /_ping").atMost(START_DEADLINE).pollInterval(Duration.ofMillis(100))
                    .until(() -> !dockerd.isAlive() || engine.ping(Duration.ofSeconds(2)));
        }
        if (!dockerd.isAlive()) {
            String tail = tail(dir.resolve("dockerd.log"));
            cleanUp();
            throw new IllegalStateException("dockerd exited at start: " + tail);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        cleanUp();
    }

    private void cleanUp() throws IOException, InterruptedException {
        if (dockerd != null && dockerd.isAlive()) {
            dockerd.destroy(); // SIGTERM to its PID: dockerd stops its containers and its containerd
            if (!dockerd.waitFor(STOP_DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
                System.out.println("dockerd " + dockerd.pid() + " did not stop in " + STOP_DEADLINE + ": SIGKILL");
                dockerd.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        if (dir != null) {
            unmountBelow(dir);
            deleteTree(dir);
        }
        if (bridge != null) {
            try {
                run("ip", "link", "del", bridge);
            } catch (IOException e) {
                System.out.println("could not delete bridge " + bridge + ": " + e.getMessage());
            }
        }
    }

    private static void run(String... argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", argv) + " failed: " + out.trim());
        }
    }

    /** Overlay and shm mounts dockerd left under its dirs (deepest first), so the dir can go. */
    private static void unmountBelow(Path root) throws IOException, InterruptedException {
        List<String> mounts = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/mounts"))) {
            String[] f = line.split(" ");
            if (f.length > 1 && f[1].startsWith(root.toString() + "/")) {
                mounts.add(f[1]);
            }
        }
        mounts.sort(Comparator.reverseOrder());
        for (String m : mounts) {
            new ProcessBuilder("umount", "-l", m).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> all = Files.walk(root)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.out.println("could not delete " + root + ": " + e);
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }
}
