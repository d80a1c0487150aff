package io.orch.agent.manager;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.orch.agent.loop.LoopDriver;
import io.orch.agent.worker.Worker;
import io.orch.api.proto.ContainerSpec;
import io.orch.api.proto.EndpointSpec;
import io.orch.api.proto.EndpointVirtualIP;
import io.orch.api.proto.IPAMConfig;
import io.orch.api.proto.IPAMOptions;
import io.orch.api.proto.Network;
import io.orch.api.proto.NetworkAttachment;
import io.orch.api.proto.NetworkAttachmentConfig;
import io.orch.api.proto.NetworkSpec;
import io.orch.api.proto.ReplicatedService;
import io.orch.api.proto.Service;
import io.orch.api.proto.ServiceMode;
import io.orch.api.proto.ServiceSpec;
import io.orch.api.proto.StoreAction;
import io.orch.api.proto.StoreCommand;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskSpec;
import io.orch.api.proto.TaskState;
import io.orch.api.proto.UpdateConfig;
import io.orch.raft.ApplyResult;
import io.orch.raft.ForwardingProposer;
import io.orch.raft.LocalProposer;
import io.orch.raft.store.ClusterStore;
import io.orch.raft.store.ObjectKind;
import io.orch.raft.store.ReadTx;
import io.orch.runtime.RuntimeRegistry;
import io.orch.runtime.fake.FakeRuntime;
import io.orch.scheduler.network.Ipv4Address;
import io.orch.scheduler.network.Ipv4Cidr;
import io.orch.scheduler.network.NetworkAllocations;
import io.orch.api.model.TaskStates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real manager loops (orchestrator, updater, scheduler) and a worker with the fake runtime
 * on one store, with overlay networks: addresses stay unique through hundreds of task
 * creations, leader changes (every loop closed and started anew on the same store), and a
 * stretch with two orchestrators and two updaters allocating at once. The invariants are
 * checked after every committed transaction, not only at the end of a step.
 */
class NetworkAllocationLoopsTest {
    private static final Duration CONVERGE = Duration.ofSeconds(30);

    @TempDir
    Path dataDir;
    private final FakeRuntime runtime = new FakeRuntime();
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private CheckingProposer proposer;
    private ClusterStore store;
    private Worker worker;
    private final List<AutoCloseable> loops = new ArrayList<>();

    /** Applies like the local proposer, then checks the invariants on the state that commit left. */
    private static final class CheckingProposer extends ForwardingProposer {
        ClusterStore store;
        final List<String> violations = new ArrayList<>();
        final Set<String> waitedForAnAddress = new HashSet<>();
        int taskCreations;

        CheckingProposer() {
            super(new LocalProposer());
        }

        @Override
        public synchronized CompletableFuture<ApplyResult> propose(StoreCommand command) {
            CompletableFuture<ApplyResult> result = super.propose(command);
            if (result.join().ok() && store != null) {
                for (StoreAction a : command.getActionsList()) {
                    if (a.getKind() == StoreAction.Kind.CREATE && ObjectKind.of(a.getObject()) == ObjectKind.TASK) {
                        taskCreations++;
                    }
                }
                store.read(r -> {
                    check(r, violations, waitedForAnAddress);
                    return null;
                });
            }
            return result;
        }
    }

    /**
     * No shared address, no task on a VIP or gateway, every unfinished networked task addressed
     * in its subnet, except a task that is not placed and says it waits for an address (noted in
     * {@code waited}).
     */
    static void check(ReadTx r, List<String> violations, Set<String> waited) {
        Map<String, Network> networks = new HashMap<>();
        r.networks().forEach(n -> networks.put(n.getId(), n));
        Map<String, String> holders = new HashMap<>(); // "network/address" -> holder
        for (Service s : r.services()) {
            for (EndpointVirtualIP vip : s.getEndpoint().getVirtualIpsList()) {
                String prev = holders.put(vip.getNetworkId() + "/" + vip.getAddr(), "VIP of " + s.getSpec().getName());
                if (prev != null) {
                    violations.add("at " + r.version() + ": " + vip.getAddr() + " is the VIP of " + s.getSpec().getName() + " and " + prev);
                }
            }
        }
        for (Task t : r.tasks()) {
            if (TaskStates.finished(t)) {
                continue;
            }
            for (NetworkAttachmentConfig c : t.getSpec().getNetworksList()) {
                Network n = networks.get(c.getTarget());
                Ipv4Cidr subnet = n == null ? null : NetworkAllocations.subnet(n).orElse(null);
                if (subnet == null) {
                    continue;
                }
                NetworkAttachment a = t.getNetworksAttachmentsList().stream()
                        .filter(x -> x.getNetwork().getId().equals(n.getId())).findFirst().orElse(null);
                if (a == null && t.getNodeId().isEmpty() && t.getStatus().getState().getNumber() < TaskState.ASSIGNED.getNumber()
                        && t.getStatus().getErr().equals("no address available on network " + n.getSpec().getName()
                        + " (subnet " + subnet + " is full)")) {
                    waited.add(t.getId());
                    continue;
                }
                if (a == null || a.getAddressesCount() != 1) {
                    violations.add("at " + r.version() + ": unfinished task " + t.getId() + " has no address on " + n.getSpec().getName());
                    continue;
                }
                String addr = a.getAddresses(0);
                Ipv4Address ip = NetworkAllocations.addressOf(addr);
                if (ip == null || !subnet.contains(ip) || ip.toString().equals(n.getIpam().getConfigs(0).getGateway())
                        || ip.equals(subnet.base()) || ip.equals(subnet.last())) {
                    violations.add("at " + r.version() + ": task " + t.getId() + " has " + addr + ", not a usable address of " + subnet);
                }
                String prev = holders.put(n.getId() + "/" + addr, "task " + t.getId());
                if (prev != null) {
                    violations.add("at " + r.version() + ": " + addr + " on " + n.getSpec().getName() + " held by task " + t.getId() + " and " + prev);
                }
            }
        }
    }

    @BeforeEach
    void start() throws Exception {
        proposer = new CheckingProposer();
        store = new ClusterStore(proposer, Clock.systemUTC());
        proposer.store = store;
        store.start();
        ClusterBootstrap.ensureCluster(store, "cluster1");
        NodeRegistrar.register(store, new NodeRegistrar.Facts("node1", "host1", "127.0.0.1:1", "127.0.0.1:1",
                List.of(runtime.name()), "test"), true);
        worker = new Worker(store, "node1", new RuntimeRegistry(List.of(runtime), runtime.name()), dataDir, Clock.systemUTC(), metrics);
        worker.start();
    }

    @AfterEach
    void stop() throws Exception {
        stopLeader();
        worker.close();
    }

    private void startLeader() {
        LoopDriver o = new LoopDriver(new Orchestrator(store), store, Clock.systemUTC(), metrics);
        LoopDriver s = new LoopDriver(new SchedulerLoop(store), store, Clock.systemUTC(), metrics);
        LoopDriver u = new LoopDriver(new Updater(store), store, Clock.systemUTC(), metrics);
        o.start();
        s.start();
        u.start();
        loops.addAll(List.of(o, s, u));
    }

    /** A second orchestrator and updater, as a deposed leader that has not noticed yet would run. */
    private void startRivals() {
        LoopDriver o = new LoopDriver(new Orchestrator(store), store, Clock.systemUTC(), metrics);
        LoopDriver u = new LoopDriver(new Updater(store), store, Clock.systemUTC(), metrics);
        o.start();
        u.start();
        loops.addAll(List.of(o, u));
    }

    private void stopLeader() throws Exception {
        for (AutoCloseable l : loops) {
            l.close();
        }
        loops.clear();
    }

    private Network network(String name, String subnet, String gateway) throws Exception {
        Network n = Network.newBuilder().setId(name + "-id").setSpec(NetworkSpec.newBuilder().setName(name).setDriver("overlay"))
                .setIpam(IPAMOptions.newBuilder().setDriver("default").addConfigs(IPAMConfig.newBuilder().setSubnet(subnet).setGateway(gateway)))
                .setVni(4097 + (int) store.read(r -> r.networks().size()))
                .build();
        store.updateAndWait(tx -> tx.create(n));
        return n;
    }

    private void createService(String id, EndpointSpec.Mode mode, long replicas, String... networkIds) throws Exception {
        TaskSpec.Builder template = TaskSpec.newBuilder().setContainerSpec(ContainerSpec.newBuilder().setImage("busybox"));
        for (String n : networkIds) {
            template.addNetworks(NetworkAttachmentConfig.newBuilder().setTarget(n).addAliases(id));
        }
        UpdateConfig update = UpdateConfig.newBuilder().setParallelism(3).setOrder(UpdateConfig.Order.START_FIRST)
                .setMonitor(Duration.ofMillis(20).toNanos()).setFailureAction(UpdateConfig.FailureAction.CONTINUE).build();
        Service s = Service.newBuilder().setId(id).setSpecVersion(1).setSpec(ServiceSpec.newBuilder().setName(id)
                .setTaskTemplate(template).setUpdateConfig(update).setRollbackConfig(update)
                .setEndpointSpec(EndpointSpec.newBuilder().setMode(mode))
                .setMode(ServiceMode.newBuilder().setReplicated(ReplicatedService.newBuilder().setReplicas(replicas)))).build();
        store.updateAndWait(tx -> tx.create(s));
    }

    /**
     * A read-modify-write as an API client does it: the manager loops may rewrite the service in
     * between (its VIPs), and then the write is refused as out of sequence and done again on the
     * newer version, as `docker service update` does.
     */
    private void changeService(String id, java.util.function.UnaryOperator<Service.Builder> change) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                store.updateAndWait(tx -> {
                    Service s = tx.read().service(id).orElseThrow();
                    tx.update(change.apply(s.toBuilder()).build());
                });
                return;
            } catch (io.orch.raft.store.StoreException e) {
                if (e.reason() != io.orch.raft.store.StoreException.Reason.CONFLICT || attempt == 10) {
                    throw e;
                }
            }
        }
    }

    private void scale(String id, long replicas) throws Exception {
        changeService(id, s -> {
            s.getSpecBuilder().setMode(ServiceMode.newBuilder().setReplicated(ReplicatedService.newBuilder().setReplicas(replicas)));
            return s;
        });
    }

    /** Every service runs its replicas on its current spec, and nothing else is still stopping. */
    private boolean converged() {
        return store.read(r -> {
            for (Service s : r.services()) {
                long want = s.getSpec().getMode().getReplicated().getReplicas();
                long running = r.tasksOfService(s.getId()).stream().filter(t -> t.getDesiredState() == TaskState.RUNNING
                        && t.getStatus().getState() == TaskState.RUNNING && t.getSpecVersion() == s.getSpecVersion()).count();
                if (running != want) {
                    return false;
                }
            }
            return r.tasks().stream().allMatch(t -> TaskStates.finished(t) || t.getDesiredState() == TaskState.RUNNING
                    && r.service(t.getServiceId()).isPresent());
        });
    }

    @Test
    void addressesStayUniqueThroughFiveHundredTaskCreationsLeaderChangesAndConcurrentAllocators() throws Exception {
        network("front", "10.0.9.0/25", "10.0.9.1");
        network("back", "10.0.10.0/26", "10.0.10.1");
        startLeader();
        createService("web", EndpointSpec.Mode.VIP, 4, "front-id");
        createService("db", EndpointSpec.Mode.DNSRR, 3, "front-id", "back-id");
        Random random = new Random(20261205);
        int dbGeneration = 0;
        for (int step = 1; proposer.taskCreations < 500; step++) {
            if (step % 9 == 0) { // a leader change: every loop goes, new instances take over the same store
                stopLeader();
                startLeader();
            }
            if (step == 12) {
                startRivals();
            }
            if (step == 30) { // the rivals' leader term ends
                stopLeader();
                startLeader();
            }
            int action = random.nextInt(10);
            if (action < 4) {
                scale("web", random.nextInt(11));
            } else if (action < 7) {
                scale(store.read(r -> r.serviceByName("db").orElseThrow().getId()), random.nextInt(9));
            } else if (action < 8) { // service rm and create again
                String old = store.read(r -> r.serviceByName("db").orElseThrow().getId());
                store.updateAndWait(tx -> tx.delete(tx.read().service(old).orElseThrow()));
                createService("db-" + (++dbGeneration), EndpointSpec.Mode.DNSRR, 1 + random.nextInt(6), "front-id", "back-id");
                // the new service is named db-N; keep finding it as "db"
                changeService("db-" + dbGeneration, s -> {
                    s.getSpecBuilder().setName("db");
                    return s;
                });
            } else { // network add / rm on web: a new spec, rolled out by the updater; its VIPs follow
                changeService("web", s -> {
                    TaskSpec.Builder t = s.getSpec().getTaskTemplate().toBuilder();
                    boolean onBack = t.getNetworksList().stream().anyMatch(n -> n.getTarget().equals("back-id"));
                    t.clearNetworks().addNetworks(NetworkAttachmentConfig.newBuilder().setTarget("front-id"));
                    if (!onBack) {
                        t.addNetworks(NetworkAttachmentConfig.newBuilder().setTarget("back-id"));
                    }
                    s.getSpecBuilder().setTaskTemplate(t);
                    return s.setSpecVersion(s.getSpecVersion() + 1);
                });
            }
            await("step " + step + " converges").atMost(CONVERGE).until(this::converged);
            assertEquals(List.of(), proposer.violations, "after step " + step);
            Service web = store.read(r -> r.service("web")).orElseThrow();
            assertEquals(web.getSpec().getTaskTemplate().getNetworksCount(), web.getEndpoint().getVirtualIpsCount(),
                    "one VIP per attached network");
        }
        assertTrue(proposer.taskCreations >= 500);
        assertEquals(List.of(), proposer.violations);
        assertEquals(Set.of(), proposer.waitedForAnAddress, "the subnets never filled up");
    }

    @Test
    void aTaskThatFindsItsNetworkFullWaitsUnplacedAndStartsOnceAnAddressIsFree() throws Exception {
        network("tiny", "10.0.8.0/29", "10.0.8.1"); // .2 to .6: five addresses
        startLeader();
        createService("a", EndpointSpec.Mode.DNSRR, 3, "tiny-id");
        await().atMost(CONVERGE).until(this::converged);
        createService("b", EndpointSpec.Mode.DNSRR, 3, "tiny-id");
        await().atMost(CONVERGE).until(() -> store.read(r -> r.tasksOfService("b")).stream()
                .anyMatch(t -> t.getStatus().getState() == TaskState.PENDING && !t.getStatus().getErr().isEmpty()));
        Task waiting = store.read(r -> r.tasksOfService("b")).stream()
                .filter(t -> t.getStatus().getState() == TaskState.PENDING).findFirst().orElseThrow();
        assertEquals("no address available on network tiny (subnet 10.0.8.0/29 is full)", waiting.getStatus().getErr());
        assertEquals("", waiting.getNodeId(), "not placed without its address");
        assertEquals(0, waiting.getNetworksAttachmentsCount());

        scale("a", 1);
        await().atMost(CONVERGE).until(this::converged);
        Set<String> addresses = new HashSet<>();
        store.read(r -> r.tasks()).stream().filter(t -> !TaskStates.finished(t))
                .forEach(t -> addresses.add(t.getNetworksAttachments(0).getAddresses(0)));
        assertEquals(4, addresses.size());
        assertEquals(List.of(), proposer.violations);
        assertEquals(Set.of(waiting.getId()), proposer.waitedForAnAddress);
    }
}
