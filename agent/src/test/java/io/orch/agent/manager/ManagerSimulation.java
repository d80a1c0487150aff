package io.orch.agent.manager;

import io.orch.agent.cluster.MemberHealth;
import io.orch.api.proto.ContainerSpec;
import io.orch.api.proto.Node;
import io.orch.api.proto.NodeDescription;
import io.orch.api.proto.NodeResources;
import io.orch.api.proto.NodeSpec;
import io.orch.api.proto.NodeStatus;
import io.orch.api.proto.Platform;
import io.orch.api.proto.ReplicatedService;
import io.orch.api.proto.ResourceRequirements;
import io.orch.api.proto.ResourceSet;
import io.orch.api.proto.Service;
import io.orch.api.proto.ServiceMode;
import io.orch.api.proto.ServiceSpec;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskSpec;
import io.orch.api.proto.TaskState;
import io.orch.api.proto.UpdateConfig;
import io.orch.gossip.sim.VirtualScheduler;
import io.orch.raft.LocalProposer;
import io.orch.raft.store.ClusterStore;
import io.orch.scheduler.orchestrator.Readiness;
import io.orch.scheduler.orchestrator.TaskInputs;
import io.orch.api.model.TaskStates;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;

/**
 * The manager on virtual time (kafka's {@code RaftEventSimulationTest}, gossip's {@code sim}):
 * one store on the local proposer, every leader loop driven through {@code runOnce} by a
 * {@link SimLoop}, N nodes each running the agent's real {@code Worker} on a fake runtime
 * ({@link SimNode}), and gossip at the {@code MembershipView} seam. Random events from one
 * seed: services (replicated and global) created, updated, scaled and removed, nodes dying and
 * coming back, tasks failing (a running process exits, or a start fails, for good or
 * temporarily), leader changes (the loop set stopped, a fresh one started a little later on the
 * same store).
 * Everything runs on one thread, on gossip's {@link VirtualScheduler}, and the ids of new tasks
 * come from the seed, so a seed replays exactly. {@link SimInvariants} are checked after every
 * step; {@link #settle} checks that every replica runs once faults stop.
 *
 * <p>Not simulated: concurrent passes (the loops run one after the other, so version conflicts
 * between loops never happen here), Raft itself, the API's validation, drain,
 * start-first updates (they run two tasks in a slot on purpose).
 */
final class ManagerSimulation implements AutoCloseable {
    static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");
    static final long NODE_CPUS = 2_000_000_000L;
    static final long NODE_MEMORY = 2L << 30;
    private static final long LOOP_TICK_MS = 50;
    private static final long WORKER_TICK_MS = 100;
    private static final int MAX_SERVICES = 5;
    /** A stopped task's process exits within this (a container's stop grace). */
    private static final Duration MAX_STOP = Duration.ofSeconds(3);
    /** Services never reserve more than this share of the cluster, so every replica can be placed once all nodes are back. */
    private static final double MAX_DEMAND = 0.6;
    private static final int TRACE = 60;

    private final Random random;
    private final VirtualScheduler time = new VirtualScheduler();
    private final Clock clock = new VirtualClock(time);
    private final ClusterStore store;
    private final FakeMembership gossip = new FakeMembership();
    private final List<SimNode> workers = new ArrayList<>();
    private final java.nio.file.Path dataDir;
    private final SimInvariants invariants;
    private final Deque<String> trace = new ArrayDeque<>();
    private final List<String> violations = new ArrayList<>();
    private final java.util.Map<String, Integer> counts = new java.util.TreeMap<>();
    private List<SimLoop> loops = List.of();
    private int term;
    private int services;
    private long ids;

    ManagerSimulation(long seed, int nodes) throws Exception {
        this.random = new Random(seed);
        this.dataDir = simulationDir();
        this.store = new ClusterStore(new LocalProposer(), clock);
        store.start();
        ClusterBootstrap.ensureCluster(store, "sim");
        for (int i = 1; i <= nodes; i++) {
            String id = "node-" + i;
            store.updateAndWait(tx -> tx.create(node(id)));
            gossip.set(id, MemberHealth.ALIVE);
            SimNode w = new SimNode(id, store, time, clock, random, MAX_STOP, dataDir.resolve(id),
                    finding -> violations.add("at " + time.nowMillis() + " ms: " + finding));
            workers.add(w);
            repeat(random.nextInt((int) WORKER_TICK_MS), WORKER_TICK_MS, () -> w.tick(clock.instant()));
        }
        invariants = new SimInvariants(store);
        startLeader(++term);
        repeat(LOOP_TICK_MS, LOOP_TICK_MS, this::tickLoops);
    }

    /** Fault-injecting events, each after a random gap; stops early at the first violation. */
    void run(int events) throws Exception {
        for (int i = 0; i < events && violations.isEmpty(); i++) {
            time.runFor(Duration.ofMillis(20 + random.nextInt(1500)));
            if (violations.isEmpty()) {
                randomEvent();
                check();
            }
        }
    }

    /**
     * Faults stop: every node comes back, a leader runs, and after {@code quiet} every replica of
     * every service runs (capacity exists: services never reserve more than {@link #MAX_DEMAND}).
     */
    void settle(Duration quiet) throws Exception {
        for (SimNode w : workers) {
            if (!w.up()) {
                nodeReturns(w);
            }
        }
        if (loops.isEmpty()) {
            startLeader(++term);
        }
        time.runFor(quiet);
        if (!violations.isEmpty()) {
            return;
        }
        store.read(r -> {
            for (Service s : r.services()) {
                List<String> slots = new ArrayList<>();
                if (s.getSpec().getMode().hasGlobal()) {
                    workers.forEach(w -> slots.add(s.getId() + "/" + w.nodeId())); // every node is up and active now
                } else {
                    for (long slot = 1; slot <= s.getSpec().getMode().getReplicated().getReplicas(); slot++) {
                        slots.add(s.getId() + "/" + slot);
                    }
                }
                for (String slot : slots) {
                    boolean runs = workers.stream().anyMatch(w -> w.running().values().stream()
                            .anyMatch(t -> SimInvariants.slot(t).equals(slot)));
                    if (!runs) {
                        List<String> tasks = r.tasksOfService(s.getId()).stream().filter(t -> SimInvariants.slot(t).equals(slot))
                                .map(SimInvariants::describe).toList();
                        violations.add("after " + quiet.toSeconds() + " s without faults, slot " + slot
                                + " runs nothing (update status " + s.getUpdateStatus().getState() + "); its tasks: " + tasks);
                    }
                }
            }
            return null;
        });
    }

    List<String> violations() {
        return violations;
    }

    /** The last steps before the end, for the failure message. */
    String trace() {
        return String.join("\n", trace);
    }

    /** Injected events by kind, and the tasks the loops created: evidence the run did something. */
    java.util.Map<String, Integer> counts() {
        java.util.Map<String, Integer> out = new java.util.TreeMap<>(counts);
        out.put("tasks created", (int) ids);
        return out;
    }

    long virtualSeconds() {
        return time.nowMillis() / 1000;
    }

    private void randomEvent() throws Exception {
        int roll = random.nextInt(100);
        List<Service> all = store.read(r -> r.services());
        if (roll < 10 && all.size() < MAX_SERVICES) {
            createService();
        } else if (roll < 28 && !all.isEmpty()) {
            updateService(pick(all));
        } else if (roll < 45 && !all.isEmpty()) {
            scale(pick(all), random.nextInt(6));
        } else if (roll < 50 && !all.isEmpty()) {
            Service s = pick(all);
            note("remove " + s.getId());
            store.updateAndWait(tx -> tx.delete(s));
        } else if (roll < 58) {
            List<SimNode> up = workers.stream().filter(SimNode::up).toList();
            if (up.size() > 2) {
                SimNode w = pick(up);
                note("node " + w.nodeId() + " dies");
                w.crash();
                gossip.set(w.nodeId(), MemberHealth.DEAD);
            }
        } else if (roll < 66) {
            List<SimNode> down = workers.stream().filter(w -> !w.up()).toList();
            if (!down.isEmpty()) {
                nodeReturns(pick(down));
            }
        } else if (roll < 74) {
            SimNode w = pick(workers.stream().filter(SimNode::up).toList());
            boolean temporary = random.nextBoolean();
            note("the next start on " + w.nodeId() + " fails" + (temporary ? " (temporary)" : ""));
            w.failNextStart(temporary);
        } else if (roll < 94) {
            List<SimNode> up = workers.stream().filter(w -> w.up() && !w.running().isEmpty()).toList();
            if (!up.isEmpty()) {
                SimNode w = pick(up);
                String taskId = pick(new ArrayList<>(w.running().keySet()));
                note("task " + taskId + " on " + w.nodeId() + " fails");
                w.fail(taskId);
            }
        } else {
            leaderChange();
        }
    }

    private void createService() throws Exception {
        boolean global = random.nextInt(4) == 0;
        long replicas = global ? workers.size() : 1 + random.nextInt(4);
        ResourceSet reservations = ResourceSet.newBuilder().setNanoCpus(250_000_000L * random.nextInt(3))
                .setMemoryBytes((128L << 20) * random.nextInt(3)).build();
        if (!fits(null, reservations, replicas)) {
            return;
        }
        String id = "svc-" + (++services);
        UpdateConfig update = UpdateConfig.newBuilder().setParallelism(1 + random.nextInt(2))
                .setDelay(Duration.ofMillis(random.nextInt(2000)).toNanos())
                .setMonitor(Duration.ofSeconds(1 + random.nextInt(5)).toNanos())
                .setFailureAction(UpdateConfig.FailureAction.forNumber(random.nextInt(3))).build();
        ServiceSpec spec = ServiceSpec.newBuilder().setName(id)
                .setTaskTemplate(TaskSpec.newBuilder()
                        .setContainerSpec(ContainerSpec.newBuilder().setImage("busybox").addEnv("GENERATION=0"))
                        .setResources(ResourceRequirements.newBuilder().setReservations(reservations)))
                .setMode(global ? ServiceMode.newBuilder().setGlobal(io.orch.api.proto.GlobalService.getDefaultInstance()).build()
                        : ServiceMode.newBuilder().setReplicated(ReplicatedService.newBuilder().setReplicas(replicas)).build())
                .setUpdateConfig(update).build();
        note("create " + id + (global ? " global" : " x" + replicas) + " reserving " + reservations.getNanoCpus() + " nano-CPUs, "
                + reservations.getMemoryBytes() + " bytes each");
        store.updateAndWait(tx -> tx.create(Service.newBuilder().setId(id).setSpec(spec).setSpecVersion(1).build()));
    }

    /** A new image generation for every task, written as the API's service update writes it. */
    private void updateService(Service s) throws Exception {
        ServiceSpec next = s.getSpec().toBuilder().setTaskTemplate(s.getSpec().getTaskTemplate().toBuilder()
                .setContainerSpec(s.getSpec().getTaskTemplate().getContainerSpec().toBuilder()
                        .clearEnv().addEnv("GENERATION=" + (s.getSpecVersion() + 1)))).build();
        note("update " + s.getId() + " to spec version " + (s.getSpecVersion() + 1));
        Service.Builder b = s.toBuilder().setSpec(next).setPreviousSpec(s.getSpec());
        if (TaskInputs.changed(s.getSpec(), next)) {
            b.setSpecVersion(s.getSpecVersion() + 1).clearUpdateStatus();
        }
        store.updateAndWait(tx -> tx.update(b.build()));
    }

    private void scale(Service s, long replicas) throws Exception {
        if (s.getSpec().getMode().hasGlobal() || !fits(s, s.getSpec().getTaskTemplate().getResources().getReservations(), replicas)) {
            return;
        }
        note("scale " + s.getId() + " to " + replicas);
        store.updateAndWait(tx -> tx.update(s.toBuilder().setSpec(s.getSpec().toBuilder()
                .setMode(ServiceMode.newBuilder().setReplicated(ReplicatedService.newBuilder().setReplicas(replicas)))).build()));
    }

    /** Whether the services' reservations stay within {@link #MAX_DEMAND} of the cluster with this change. */
    private boolean fits(Service changed, ResourceSet each, long replicas) {
        long cpus = each.getNanoCpus() * replicas;
        long memory = each.getMemoryBytes() * replicas;
        for (Service s : store.read(r -> r.services())) {
            if (changed != null && s.getId().equals(changed.getId())) {
                continue;
            }
            ResourceSet r = s.getSpec().getTaskTemplate().getResources().getReservations();
            long n = s.getSpec().getMode().hasGlobal() ? workers.size() : s.getSpec().getMode().getReplicated().getReplicas();
            cpus += r.getNanoCpus() * n;
            memory += r.getMemoryBytes() * n;
        }
        return cpus <= MAX_DEMAND * NODE_CPUS * workers.size() && memory <= MAX_DEMAND * NODE_MEMORY * workers.size();
    }

    private void nodeReturns(SimNode w) throws Exception {
        note("node " + w.nodeId() + " returns");
        w.restart();
        gossip.set(w.nodeId(), MemberHealth.ALIVE);
    }

    /** The leader's loops stop; a new leader's start on the same store after an election's worth of time. */
    private void leaderChange() {
        note("leader change (term " + (term + 1) + ")");
        stopLeader();
        int next = ++term;
        time.schedule(random.nextInt(3000), () -> {
            if (term == next && loops.isEmpty()) {
                startLeader(next);
            }
        });
    }

    private void startLeader(int leaderTerm) {
        Instant now = clock.instant();
        // a seeded source of task ids per leader, so a seed replays exactly
        java.util.function.Supplier<String> taskIds = () -> "t" + leaderTerm + "-" + (++ids);
        loops = List.of(
                new SimLoop(new NodeHealthLoop(store, gossip, "manager-" + leaderTerm, Duration.ofSeconds(30)), store, now),
                new SimLoop(new IngressLoop(store), store, now),
                new SimLoop(new Orchestrator(store, taskIds), store, now),
                new SimLoop(new Updater(store, Readiness.RUNNING_AND_HEALTHY, taskIds), store, now),
                new SimLoop(new SchedulerLoop(store), store, now));
    }

    private void stopLeader() {
        loops.forEach(SimLoop::close);
        loops = List.of();
    }

    /** Each loop's pass if one is due, in an order the seed picks (real loops run concurrently). */
    private void tickLoops() throws Exception {
        List<SimLoop> order = new ArrayList<>(loops);
        java.util.Collections.shuffle(order, random);
        Instant now = clock.instant();
        for (SimLoop l : order) {
            try {
                l.tick(now);
            } catch (Exception e) {
                // with one proposer and one thread, nothing conflicts: a failed pass is a bug
                violations.add(l.name() + " pass failed: " + e);
            }
        }
    }

    private void repeat(long delay, long period, Step body) {
        time.schedule(delay, () -> {
            if (!violations.isEmpty()) {
                return;
            }
            try {
                body.run();
                check();
            } catch (Exception e) {
                violations.add("step failed: " + e);
            }
            repeat(period, period, body);
        });
    }

    private void check() throws InterruptedException {
        for (String v : invariants.check(workers)) {
            violations.add("at " + time.nowMillis() + " ms: " + v);
        }
    }

    private void note(String event) {
        counts.merge(event.startsWith("node") ? event.substring(event.lastIndexOf(' ') + 1)
                : event.startsWith("task") ? "task fails" : event.startsWith("the next start") ? "start fails"
                : event.split(" ")[0], 1, Integer::sum);
        if (trace.size() == TRACE) {
            trace.removeFirst();
        }
        trace.addLast(time.nowMillis() + " ms: " + event);
    }

    private <T> T pick(List<T> from) {
        return from.get(random.nextInt(from.size()));
    }

    private static Node node(String id) {
        return Node.newBuilder().setId(id)
                .setSpec(NodeSpec.newBuilder().setRole(NodeSpec.Role.WORKER).setAvailability(NodeSpec.Availability.ACTIVE))
                .setDescription(NodeDescription.newBuilder().setHostname(id)
                        .setPlatform(Platform.newBuilder().setOs("linux").setArchitecture("x86_64"))
                        .setResources(NodeResources.newBuilder().setNanoCpus(NODE_CPUS).setMemoryBytes(NODE_MEMORY)))
                .setStatus(NodeStatus.newBuilder().setState(NodeStatus.State.READY).setAddr(id + ":4242"))
                .addRuntimes("fake").build();
    }

    @Override
    public void close() throws Exception {
        stopLeader();
        invariants.close();
        store.proposer().close();
        try (var files = java.nio.file.Files.walk(dataDir)) {
            for (java.nio.file.Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.deleteIfExists(p);
            }
        }
    }

    /**
     * Where the nodes keep their handle files: in memory when the machine has a tmpfs at
     * /dev/shm, since each handle is fsynced and the simulation is not about durability (the
     * 20 tries take 25 s there and 42 s on this disk).
     */
    private static java.nio.file.Path simulationDir() throws java.io.IOException {
        java.nio.file.Path shm = java.nio.file.Path.of("/dev/shm");
        return java.nio.file.Files.isDirectory(shm) && java.nio.file.Files.isWritable(shm)
                ? java.nio.file.Files.createTempDirectory(shm, "orch-sim") : java.nio.file.Files.createTempDirectory("orch-sim");
    }

    private interface Step {
        void run() throws Exception;
    }

    /** Wall time as the virtual scheduler tells it. */
    private static final class VirtualClock extends Clock {
        private final VirtualScheduler time;

        VirtualClock(VirtualScheduler time) {
            this.time = time;
        }

        @Override
        public Instant instant() {
            return EPOCH.plusMillis(time.nowMillis());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
