package io.orch.agent.dispatch;

import com.google.protobuf.ByteString;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.MetadataUtils;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.orch.agent.worker.Worker;
import io.orch.api.proto.ContainerSpec;
import io.orch.api.proto.FileTarget;
import io.orch.api.proto.Node;
import io.orch.api.proto.NodeDescription;
import io.orch.api.proto.NodeSpec;
import io.orch.api.proto.RestartPolicy;
import io.orch.api.proto.Secret;
import io.orch.api.proto.SecretReference;
import io.orch.api.proto.SecretSpec;
import io.orch.api.proto.Service;
import io.orch.api.proto.ServiceSpec;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskSpec;
import io.orch.api.proto.TaskState;
import io.orch.api.proto.TaskStatus;
import io.orch.api.proto.WorkerHello;
import io.orch.raft.LocalProposer;
import io.orch.raft.store.ClusterStore;
import io.orch.runtime.RuntimeRegistry;
import io.orch.runtime.fake.FakeRuntime;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Managers (dispatcher services on in-process gRPC servers over one real store) and worker-only
 * nodes (dispatcher client + worker + fake runtime). The test's stand-in for mTLS: the client
 * names its node in a header, and the servers' authenticator reads it from the call context.
 */
final class DispatchFixture implements AutoCloseable {
    static final Metadata.Key<String> NODE_HEADER = Metadata.Key.of("test-node-id", Metadata.ASCII_STRING_MARSHALLER);
    static final Context.Key<String> CALLER = Context.key("test-caller");
    static final NodeAuthenticator AUTH = () -> {
        String id = CALLER.get();
        if (id == null) {
            throw Status.UNAUTHENTICATED.withDescription("no node identity").asRuntimeException();
        }
        return id;
    };
    static final DispatcherService.Settings MANAGER_SETTINGS = new DispatcherService.Settings(Duration.ofMillis(100),
            Duration.ofSeconds(1), Duration.ofMillis(20), Duration.ofMillis(50), Duration.ofMillis(10));
    static final DispatcherClient.Settings CLIENT_SETTINGS = new DispatcherClient.Settings(Duration.ofMillis(100),
            Duration.ofMillis(500), Duration.ofMillis(20), Duration.ofMillis(200));
    static final Duration CUT_OFF_GRACE = Duration.ofMillis(300);

    final ClusterStore store = new ClusterStore(new LocalProposer(), Clock.systemUTC());
    final Map<String, Manager> managers = new ConcurrentHashMap<>();
    final List<WorkerNode> workers = new ArrayList<>();
    private final String prefix = "dispatch-" + System.nanoTime() + "-";

    record Manager(String address, DispatcherService dispatcher, Server server) {}

    record WorkerNode(String nodeId, DispatcherClient client, DispatchedWorkerView view, Worker worker, FakeRuntime runtime) {}

    DispatchFixture() throws IOException {
        store.start();
    }

    String address(String name) {
        return prefix + name;
    }

    Manager startManager(String name) throws IOException {
        return startManager(name, MANAGER_SETTINGS, io.orch.api.concurrent.Ticker.system());
    }

    Manager startManager(String name, DispatcherService.Settings settings, io.orch.api.concurrent.Ticker ticker)
            throws IOException {
        String address = address(name);
        DispatcherService dispatcher = new DispatcherService(store, AUTH, () -> List.of(), settings, ticker);
        Server server = InProcessServerBuilder.forName(address)
                .addService(ServerInterceptors.intercept(dispatcher, new CallerFromHeader()))
                .build().start();
        Manager m = new Manager(address, dispatcher, server);
        managers.put(name, m);
        return m;
    }

    /** The manager's process is gone: its server and its sessions vanish. */
    void killManager(String name) throws InterruptedException {
        Manager m = managers.remove(name);
        m.server().shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        m.dispatcher().close();
    }

    static ChannelFactory channelsAs(String nodeId) {
        Metadata headers = new Metadata();
        headers.put(NODE_HEADER, nodeId);
        return address -> InProcessChannelBuilder.forName(address)
                .intercept(MetadataUtils.newAttachHeadersInterceptor(headers)).build();
    }

    static ManagedChannel channelAs(String nodeId, String address) {
        return channelsAs(nodeId).open(address);
    }

    WorkerNode startWorker(String nodeId, Path dataDir, String... managerNames) throws IOException {
        List<String> addresses = java.util.Arrays.stream(managerNames).map(this::address).toList();
        FakeRuntime runtime = new FakeRuntime();
        DispatcherClient client = new DispatcherClient(() -> addresses, channelsAs(nodeId),
                () -> WorkerHello.newBuilder().setDescription(NodeDescription.newBuilder().setHostname("host-" + nodeId))
                        .addRuntimes(runtime.name()).setAddr(nodeId + ":4242").build(),
                CLIENT_SETTINGS, new Random(7));
        DispatchedWorkerView view = new DispatchedWorkerView(client, CUT_OFF_GRACE);
        Worker worker = new Worker(view, client, nodeId, new RuntimeRegistry(List.of(runtime), runtime.name()), dataDir,
                Clock.systemUTC(), new SimpleMeterRegistry());
        worker.start();
        client.start();
        WorkerNode w = new WorkerNode(nodeId, client, view, worker, runtime);
        workers.add(w);
        return w;
    }

    /**
     * A worker agent that keeps its assignment set under {@code dataDir} and, as a restarted
     * agent does, re-attaches to what {@code runtime} still runs before it starts.
     */
    WorkerNode startKeepingWorker(String nodeId, Path dataDir, FakeRuntime runtime, String... managerNames) throws IOException {
        List<String> addresses = java.util.Arrays.stream(managerNames).map(this::address).toList();
        DispatcherClient client = new DispatcherClient(() -> addresses, channelsAs(nodeId),
                () -> WorkerHello.newBuilder().setDescription(NodeDescription.newBuilder().setHostname("host-" + nodeId))
                        .addRuntimes(runtime.name()).setAddr(nodeId + ":4242").build(),
                CLIENT_SETTINGS, new Random(7));
        DispatchedWorkerView view = new DispatchedWorkerView(client, CUT_OFF_GRACE,
                io.orch.agent.worker.AssignmentSetFile.under(dataDir));
        Worker worker = new Worker(view, client, nodeId, new RuntimeRegistry(List.of(runtime), runtime.name()), dataDir,
                Clock.systemUTC(), new SimpleMeterRegistry());
        worker.recover();
        worker.start();
        client.start();
        WorkerNode w = new WorkerNode(nodeId, client, view, worker, runtime);
        workers.add(w);
        return w;
    }

    /** The worker's agent process stops (its tasks keep running, as with live-restore). */
    void stopWorker(WorkerNode w) {
        w.worker().close();
        w.client().close();
        workers.remove(w);
    }

    void createNode(String id) throws Exception {
        store.updateAndWait(tx -> tx.create(Node.newBuilder().setId(id)
                .setSpec(NodeSpec.newBuilder().setRole(NodeSpec.Role.WORKER)).build()));
    }

    void createService(String id, String name) throws Exception {
        store.updateAndWait(tx -> tx.create(Service.newBuilder().setId(id)
                .setSpec(ServiceSpec.newBuilder().setName(name)).build()));
    }

    void createSecret(String id, String name, String data) throws Exception {
        store.updateAndWait(tx -> tx.create(Secret.newBuilder().setId(id)
                .setSpec(SecretSpec.newBuilder().setName(name).setData(ByteString.copyFromUtf8(data))).build()));
    }

    /** A task as the scheduler leaves it: assigned to a node, wanted running. */
    static Task.Builder assigned(String id, String serviceId, long slot, String nodeId) {
        return Task.newBuilder().setId(id).setServiceId(serviceId).setSlot(slot).setNodeId(nodeId)
                .setDesiredState(TaskState.RUNNING)
                .setSpec(TaskSpec.newBuilder()
                        .setContainerSpec(ContainerSpec.newBuilder().setImage("busybox").addArgs("sleep").addArgs("100"))
                        .setRestartPolicy(RestartPolicy.newBuilder().setCondition(RestartPolicy.Condition.ANY)))
                .setStatus(TaskStatus.newBuilder().setState(TaskState.ASSIGNED));
    }

    static SecretReference secretRef(String id, String name, String file) {
        return SecretReference.newBuilder().setSecretId(id).setSecretName(name)
                .setFile(FileTarget.newBuilder().setName(file)).build();
    }

    void createTask(Task task) throws Exception {
        store.updateAndWait(tx -> tx.create(task));
    }

    Task task(String id) {
        return store.read(r -> r.task(id)).orElseThrow();
    }

    void setDesiredState(String taskId, TaskState desired) throws Exception {
        store.updateAndWait(tx -> tx.update(tx.read().task(taskId).orElseThrow().toBuilder().setDesiredState(desired).build()));
    }

    @Override
    public void close() throws Exception {
        for (WorkerNode w : workers) {
            w.worker().close();
            w.client().close();
        }
        for (String name : List.copyOf(managers.keySet())) {
            killManager(name);
        }
        store.proposer().close();
    }

    private static final class CallerFromHeader implements ServerInterceptor {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                           ServerCallHandler<Q, R> next) {
            return Contexts.interceptCall(Context.current().withValue(CALLER, headers.get(NODE_HEADER)), call, headers, next);
        }
    }
}
