package io.orch.packaging.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.FileVisitResult;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A cluster of agent processes for one test class or benchmark: starts the first manager,
 * joins the others with tokens from the CLI, waits on the cluster's own view of itself, and
 * always cleans up (agents and the task processes they left behind, by PID). Everything a run
 * writes lives in one directory under target/cluster-runs/; it is deleted after a clean run and
 * kept, with a dump of every reachable manager's view, after a failed one.
 */
final class ClusterFixture implements AutoCloseable {
    enum Role {
        MANAGER, WORKER;

        String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    static final Duration AGENT_READY = Duration.ofSeconds(90);
    private static final AtomicInteger TAGS = new AtomicInteger();

    final Path root;
    private final PortBlocks ports;
    private final List<AgentNode> nodes = new ArrayList<>();
    private final Map<Role, List<AgentNode>> byRole = new EnumMap<>(Role.class);
    private final Map<Role, String> tokens = new EnumMap<>(Role.class);
    private volatile boolean failed;
    private volatile boolean keep;
    private String runtime = "process";
    private java.util.function.Consumer<AgentNode> beforeStart = n -> { };

    private List<String> initFlags = List.of();

    /** More flags for {@code orch init} of the first manager (cluster settings). */
    ClusterFixture initFlags(String... flags) {
        this.initFlags = List.of(flags);
        return this;
    }

    /** Agents started from now on run tasks on this runtime by default. */
    ClusterFixture runtime(String name) {
        this.runtime = name;
        return this;
    }

    /** Runs before each new agent starts (e.g. to put images into its data dir). */
    ClusterFixture beforeStart(java.util.function.Consumer<AgentNode> step) {
        this.beforeStart = step;
        return this;
    }

    ClusterFixture(String name, PortBlocks ports) throws IOException {
        OrchBinary.requireBuilt();
        Path runs = Path.of(System.getProperty("orch.cluster.runs", "target/cluster-runs")).toAbsolutePath();
        this.root = Files.createDirectories(runs.resolve(name + "-" + System.currentTimeMillis()));
        this.ports = ports;
        for (Role r : Role.values()) {
            byRole.put(r, new ArrayList<>());
        }
    }

    /** A unique `sleep` argument: the processes of a service created with it are countable on this host. */
    static String sleepTag() {
        return String.valueOf(7_000_000 + (ProcessHandle.current().pid() % 1000) * 1000 + TAGS.incrementAndGet());
    }

    // ------------------------------------------------------------------ starting

    AgentNode init(String name, NodeHost host) throws IOException {
        AgentNode n = new AgentNode(name, host, ports.next(), root);
        n.runtime = runtime;
        beforeStart.accept(n);
        add(n, Role.MANAGER);
        List<String> args = new ArrayList<>(AgentNode.initArgs(n));
        args.addAll(initFlags);
        n.start(args, AGENT_READY);
        return n;
    }

    /** Joins a new agent with a token for {@code role} from a live manager, and waits until the managers see it ready. */
    AgentNode join(String name, Role role, NodeHost host) throws IOException, InterruptedException {
        AgentNode manager = liveManagers().get(0);
        AgentNode n = new AgentNode(name, host, ports.next(), root);
        n.runtime = runtime;
        beforeStart.accept(n);
        add(n, role);
        n.start(AgentNode.joinArgs(n, token(role), manager.listenAddr()), AGENT_READY);
        awaitReady(List.of(n), Duration.ofSeconds(60));
        return n;
    }

    /** An agent that is expected to be refused: runs `orch join` to completion (bounded) and keeps nothing running. */
    OrchBinary.Result joinExpectingRefusal(String name, String token) throws IOException, InterruptedException {
        AgentNode n = new AgentNode(name, NodeHost.LOOPBACK, ports.next(), root);
        try {
            return OrchBinary.run(List.of(), AgentNode.joinArgs(n, token, liveManagers().get(0).listenAddr()),
                    OrchBinary.AGENT_ENV, Duration.ofSeconds(90));
        } finally {
            HostProcesses.killUnder(n.dataDir);
        }
    }

    /** The join tokens changed (a rotation): the next join asks a manager for the current ones. */
    void forgetTokens() {
        tokens.clear();
    }

    private void add(AgentNode n, Role role) {
        nodes.add(n);
        byRole.get(role).add(n);
    }

    /** `orch join-token -q ROLE` against a live manager's API. */
    String token(Role role) throws IOException, InterruptedException {
        String cached = tokens.get(role);
        if (cached != null) {
            return cached;
        }
        AgentNode m = liveManagers().get(0);
        OrchBinary.Result r = OrchBinary.cli(m.host.commandPrefix(), m.apiPort(), "join-token", "-q", role.word());
        assertEquals(0, r.exit(), "orch join-token -q " + role.word() + ": " + r);
        String token = r.out().strip();
        assertTrue(token.startsWith("SWMTKN-1-"), "join-token -q prints only the token");
        tokens.put(role, token);
        return token;
    }

    // ------------------------------------------------------------------ membership

    List<AgentNode> nodes() {
        return List.copyOf(nodes);
    }

    List<AgentNode> managers() {
        return List.copyOf(byRole.get(Role.MANAGER));
    }

    List<AgentNode> workers() {
        return List.copyOf(byRole.get(Role.WORKER));
    }

    List<AgentNode> liveManagers() {
        return managers().stream().filter(AgentNode::alive).toList();
    }

    AgentNode byName(String name) {
        return nodes.stream().filter(n -> n.name.equals(name)).findFirst().orElseThrow();
    }

    // ------------------------------------------------------------------ waiting on the cluster's view

    /**
     * Waits until every manager in {@code among} names the same leader, one of {@code among}, and
     * returns it. A leader is only the cluster's leader when all the voters it needs agree.
     */
    AgentNode awaitLeader(Collection<AgentNode> among, Duration limit) {
        Set<String> names = among.stream().map(n -> n.name).collect(Collectors.toSet());
        String[] leader = new String[1];
        await("one leader among " + names).atMost(limit).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            Set<String> seen = new java.util.TreeSet<>();
            for (AgentNode m : among) {
                List<String> leaders = m.api.nodes().stream().filter(ClusterNodeView::leader).map(ClusterNodeView::hostname).toList();
                assertEquals(1, leaders.size(), m.name + " sees leaders " + leaders);
                seen.add(leaders.get(0));
            }
            assertEquals(1, seen.size(), "managers disagree on the leader: " + seen);
            assertTrue(names.contains(seen.iterator().next()), "leader " + seen + " is not one of " + names);
            leader[0] = seen.iterator().next();
        });
        return byName(leader[0]);
    }

    /** Waits until every live manager sees each of {@code expected} as ready. */
    void awaitReady(Collection<AgentNode> expected, Duration limit) {
        awaitState(expected, "ready", limit);
    }

    /** Waits until every live manager sees each of {@code expected} as down. */
    void awaitDown(Collection<AgentNode> expected, Duration limit) {
        awaitState(expected, "down", limit);
    }

    private void awaitState(Collection<AgentNode> expected, String state, Duration limit) {
        await(expected + " " + state).atMost(limit).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            for (AgentNode m : liveManagers()) {
                for (AgentNode n : expected) {
                    ClusterNodeView v = n.selfAsSeenBy(m.api);
                    assertEquals(state, v.state(), m.name + " sees " + v);
                }
            }
        });
    }

    /** The node IDs of agents that are running now, as {@code manager} names them. */
    Set<String> liveNodeIds(NodeApi manager) {
        Set<String> live = nodes.stream().filter(AgentNode::alive).map(n -> n.name).collect(Collectors.toSet());
        return manager.nodes().stream().filter(v -> live.contains(v.hostname())).map(ClusterNodeView::id)
                .collect(Collectors.toSet());
    }

    // ------------------------------------------------------------------ failure evidence and cleanup

    /** Keeps this run's directory (the agents' logs) after a clean run too: a benchmark asked to. */
    void keepRun() {
        keep = true;
    }

    /** Keeps this run's directory and dumps what every reachable agent says, for the CI artefacts. */
    void markFailed(String why) {
        failed = true;
        StringBuilder dump = new StringBuilder("failed: " + why + "\nat " + Instant.now() + "\n");
        for (AgentNode n : nodes) {
            dump.append("\n=== ").append(n).append(" via ").append(n.api).append('\n');
            for (String path : List.of("/nodes", "/services", "/tasks")) {
                dump.append("GET ").append(path).append(" -> ")
                        .append(n.api.call("GET", path, null, Duration.ofSeconds(3))).append('\n');
            }
        }
        try {
            Files.writeString(root.resolve("state-dump-" + System.currentTimeMillis() + ".txt"), dump, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        for (AgentNode n : nodes) {
            try {
                n.destroyWithTasks();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // keep cleaning up: the rest is by PID and does not wait
            }
        }
        HostProcesses.killUnder(root); // tasks of agents that were refused or replaced
        if (failed || keep) {
            System.err.println("cluster run kept for inspection: " + root);
        } else {
            deleteTree(root);
        }
    }

    /**
     * Deletes the run's tree; a task's helper process may still be removing its own files (a log
     * pipe) while this walks, so a file that vanishes under the walk is not an error.
     */
    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    file.toFile().delete();
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE; // gone already, or unreadable: leave it
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) {
                    d.toFile().delete();
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            System.err.println("could not delete " + dir + ": " + e.getMessage());
        }
    }
}
