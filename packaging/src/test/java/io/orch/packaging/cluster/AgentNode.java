package io.orch.packaging.cluster;

import io.orch.packaging.HostMounts;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One agent ({@code orch init} or {@code orch join}) as its own OS process, addressed by its
 * hostname (every agent gets a distinct --hostname: on one machine they would all share it).
 * Knows how to start, restart (same command line, same data dir), kill -9, SIGSTOP/SIGCONT and
 * stop it, by PID. Its output goes to {@code <name>.log} next to its data dir.
 */
final class AgentNode {
    final String name;
    final NodeHost host;
    final int port;
    final Path dataDir;
    final Path log;
    final NodeApi api;
    private List<String> args;
    private Process process;
    /** The agent's default runtime (--runtime). */
    String runtime = "process";
    /** More agent flags, set before it starts (e.g. by {@link ClusterFixture#beforeStart}). */
    List<String> extraFlags = List.of();
    /** What the agent's environment adds (JVM options); the tests' small heap unless a benchmark asks otherwise. */
    java.util.Map<String, String> env = OrchBinary.AGENT_ENV;

    AgentNode(String name, NodeHost host, int port, Path root) {
        this.name = name;
        this.host = host;
        this.port = port;
        this.dataDir = root.resolve(name);
        this.log = root.resolve(name + ".log");
        this.api = host.api(PortBlocks.api(port));
    }

    /** host:P, what `orch join` is pointed at. */
    String listenAddr() {
        return host.ip() + ":" + port;
    }

    int apiPort() {
        return PortBlocks.api(port);
    }

    private List<String> agentFlags() {
        List<String> flags = new ArrayList<>(List.of("--data-dir", dataDir.toString(), "--hostname", name,
                "--listen-addr", listenAddr(), "--gossip-addr", host.ip() + ":" + PortBlocks.gossip(port),
                "--api-addr", "127.0.0.1:" + apiPort(), "--runtime", runtime));
        flags.addAll(extraFlags);
        return flags;
    }

    static List<String> initArgs(AgentNode n) {
        List<String> a = new ArrayList<>(List.of("init"));
        a.addAll(n.agentFlags());
        return a;
    }

    /** `orch agent`: a node in no swarm until `docker swarm init` / `join` reaches its API. */
    static List<String> agentArgs(AgentNode n) {
        List<String> a = new ArrayList<>(List.of("agent"));
        a.addAll(n.agentFlags());
        return a;
    }

    static List<String> joinArgs(AgentNode n, String token, String managerAddr) {
        List<String> a = new ArrayList<>(List.of("join", "--token", token));
        a.addAll(n.agentFlags());
        a.add(managerAddr);
        return a;
    }

    /** Starts the agent with these orch arguments and waits until its API answers. */
    AgentNode start(List<String> orchArgs, Duration ready) throws IOException {
        this.args = List.copyOf(orchArgs);
        return restart(ready);
    }

    /** Starts it again with the command line it was first started with (a joined node resumes). */
    AgentNode restart(Duration ready) throws IOException {
        if (alive()) {
            throw new IllegalStateException(name + " is still running");
        }
        List<String> cmd = new ArrayList<>(host.commandPrefix());
        cmd.add(OrchBinary.BIN.toString());
        cmd.addAll(args);
        Files.writeString(log, "\n=== " + java.time.Instant.now() + " start: " + String.join(" ", redactToken(args)) + "\n",
                StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().putAll(env);
        process = pb.start();
        awaitApi(ready);
        return this;
    }

    private void awaitApi(Duration ready) {
        long deadline = System.nanoTime() + ready.toNanos();
        while (!api.pingable()) {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + ":\n" + logTail(25));
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(name + "'s API did not answer within " + ready.toSeconds() + " s:\n" + logTail(25));
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
    }

    /** Join tokens are secrets: the log file keeps only their public prefix. */
    private static List<String> redactToken(List<String> args) {
        List<String> out = new ArrayList<>(args);
        int i = out.indexOf("--token");
        if (i >= 0 && i + 1 < out.size()) {
            out.set(i + 1, "SWMTKN-1-<redacted>");
        }
        return out;
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    /** kill -9 of the agent alone: its process-runtime tasks keep running, as after a crash. */
    void kill9() throws InterruptedException {
        if (alive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    void sigstop() {
        HostProcesses.signal(pid(), "STOP");
    }

    void sigcont() {
        HostProcesses.signal(pid(), "CONT");
    }

    /** SIGTERM and a bounded wait for a clean exit; kill -9 if it does not come. */
    int stop(Duration limit) throws InterruptedException {
        if (process == null) {
            return 0;
        }
        if (alive()) {
            process.destroy();
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        return process.exitValue();
    }

    /** Ends the agent (a stopped one is continued first, or SIGKILL would wait) and the tasks it left behind. */
    void destroyWithTasks() throws InterruptedException {
        if (alive()) {
            HostProcesses.signal(pid(), "CONT");
            kill9();
        }
        HostProcesses.killUnder(dataDir);
        HostMounts.deleteTaskNamespaces(dataDir); // runc tasks' namespaces and mounts outlive the agent too
        HostMounts.unmountUnder(dataDir);
    }

    /** The node as this agent's own API reports it (throws if it is not in the store). */
    ClusterNodeView selfAsSeenBy(NodeApi manager) {
        return manager.node(name).orElseThrow(() -> new AssertionError(name + " is not in the node list of " + manager));
    }

    /**
     * The last {@code lines} log lines without stack frames (each cut to 300 characters), and
     * where the whole log is: enough for an assertion message without drowning it.
     */
    String logTail(int lines) {
        try {
            List<String> kept = Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                    .filter(l -> !l.startsWith("\t") && !l.startsWith("Caused by:") && !l.startsWith("Channel Pipeline:"))
                    .map(l -> l.length() > 300 ? l.substring(0, 300) + "..." : l)
                    .toList();
            return String.join("\n", kept.subList(Math.max(0, kept.size() - lines), kept.size())) + "\n(full log: " + log + ")";
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public String toString() {
        return name + (alive() ? "[pid " + pid() + "]" : "[not running]");
    }
}
