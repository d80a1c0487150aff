package io.orch.runtime.net;

import io.orch.runtime.TaskConfig.PublishedPort;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Starts and stops a container's {@link PortProxy}: a small JVM in its own session (so it
 * survives the agent, like the runc shim), with only this module's classes on its class path.
 * Identified later by pid plus start time, so a reused pid is never signalled.
 */
public final class PortProxyProcess {
    static final String READY_FILE = "ports.ready";
    static final String LOG_FILE = "ports.log";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    private static final List<String> JVM_OPTIONS = List.of("-Xmx24m", "-Xss256k", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-Xshare:auto");

    /** A running proxy and the host ports it holds (a requested port 0 is the one it got). */
    public record Running(long pid, long startMillis, List<PublishedPort> ports) {}

    /** The published port is taken (or cannot be bound): the task cannot run on this node now. */
    public static final class PortUnavailable extends IOException {
        PortUnavailable(String message) {
            super(message);
        }
    }

    private PortProxyProcess() {}

    /**
     * Starts the proxy forwarding {@code ports} to {@code containerIp} and waits until it holds
     * them all. It ends by itself once {@code untilFile} exists.
     *
     * @param dir the task's dir: the ready file and the proxy's log go there
     */
    public static Running start(List<PublishedPort> ports, String containerIp, Path dir, Path untilFile) throws IOException {
        Path ready = dir.resolve(READY_FILE);
        Files.deleteIfExists(ready);
        List<String> argv = new ArrayList<>(List.of("/usr/bin/setsid", javaBinary().toString()));
        argv.addAll(JVM_OPTIONS);
        argv.addAll(List.of("-cp", ownClassPath(), PortProxy.class.getName(), "--ready", ready.toString(),
                "--until", untilFile.toString()));
        for (PublishedPort p : ports) {
            argv.add(new PortProxy.Forward(p.protocol().name().toLowerCase(Locale.ROOT), p.published(), containerIp,
                    p.target()).arg());
        }
        Path log = dir.resolve(LOG_FILE);
        Process process = new ProcessBuilder(argv).directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        List<String> lines = awaitReady(process, ready, log);
        if (lines.isEmpty() || !lines.get(0).equals("ok")) {
            process.destroyForcibly();
            String why = lines.isEmpty() ? "" : lines.get(0);
            if (why.startsWith("error ")) {
                throw new PortUnavailable(why.substring("error ".length()));
            }
            throw new IOException("the port proxy did not start: " + tail(log));
        }
        List<PublishedPort> bound = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(" ");
            bound.add(new PublishedPort(PublishedPort.Protocol.valueOf(f[0].toUpperCase(Locale.ROOT)),
                    Integer.parseInt(f[2]), Integer.parseInt(f[1])));
        }
        long startMillis = startMillis(process.pid()).orElse(-1L);
        return new Running(process.pid(), startMillis, bound);
    }

    private static List<String> awaitReady(Process process, Path ready, Path log) throws IOException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                if (Files.exists(ready)) {
                    return Files.readAllLines(ready);
                }
                if (process.waitFor(10, TimeUnit.MILLISECONDS)) {
                    return Files.exists(ready) ? Files.readAllLines(ready) : List.of();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("interrupted while the port proxy started", e);
        }
        process.destroyForcibly();
        throw new IOException("the port proxy did not bind its ports within " + READY_TIMEOUT.toSeconds() + " s: "
                + tail(log));
    }

    /** Stops the proxy if it is still the process started then (TERM, then KILL). Idempotent. */
    public static void stop(long pid, long startMillis) {
        Optional<ProcessHandle> h = ProcessHandle.of(pid)
                .filter(p -> startMillis(p.pid()).map(s -> s == startMillis).orElse(false));
        if (h.isEmpty()) {
            return;
        }
        h.get().destroy();
        try {
            h.get().onExit().get(3, TimeUnit.SECONDS);
        } catch (Exception e) {
            h.get().destroyForcibly();
        }
    }

    /** Whether the proxy started then still runs. */
    public static boolean alive(long pid, long startMillis) {
        return startMillis(pid).map(s -> s == startMillis).orElse(false);
    }

    static Optional<Long> startMillis(long pid) {
        return ProcessHandle.of(pid).flatMap(p -> p.info().startInstant()).map(Instant::toEpochMilli);
    }

    private static Path javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /** The jar (or classes dir) this class came from: the proxy needs nothing else (so PortProxy uses only the JDK). */
    private static String ownClassPath() throws IOException {
        try {
            return Path.of(PortProxy.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException | RuntimeException e) {
            throw new IOException("cannot locate the runtime's classes for the port proxy: " + e);
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }
}
