package io.orch.agent.dispatch;

import io.orch.agent.pki.RevocationEdits;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.orch.api.proto.Assignments;
import io.orch.api.proto.DispatcherGrpc;
import io.orch.api.proto.ManagerMessage;
import io.orch.api.proto.Node;
import io.orch.api.proto.NodeStatus;
import io.orch.api.proto.StatusBatch;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskState;
import io.orch.api.proto.TaskStatus;
import io.orch.api.proto.WorkerHello;
import io.orch.api.proto.WorkerMessage;
import io.orch.runtime.TaskConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Worker-only nodes fed through real gRPC dispatcher sessions over a real store. */
class DispatcherSessionTest {
    @TempDir
    Path dataDir;
    private DispatchFixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = new DispatchFixture();
        f.createNode("w1");
        f.createNode("w2");
        f.createService("svc1", "web");
    }

    @AfterEach
    void tearDown() throws Exception {
        f.close();
    }

    @Test
    void aWorkerRunsTheTasksAssignedToItAndItsStatusReachesTheStore() throws Exception {
        f.createSecret("sec1", "db_pw", "s3cret");
        f.createSecret("sec2", "unrelated", "other");
        Task.Builder t1 = DispatchFixture.assigned("t1", "svc1", 1, "w1");
        t1.getSpecBuilder().getContainerSpecBuilder().addSecrets(DispatchFixture.secretRef("sec1", "db_pw", "db"));
        f.createTask(t1.build());
        f.createTask(DispatchFixture.assigned("t2", "svc1", 2, "w2").build());
        DispatchFixture.Manager m = f.startManager("m1");
        List<String> ups = new CopyOnWriteArrayList<>();
        m.dispatcher().addListener(new DispatcherService.SessionListener() {
            @Override
            public void up(String nodeId) {
                ups.add(nodeId);
            }

            @Override
            public void down(String nodeId) {
            }
        });
        List<Assignments> received = new CopyOnWriteArrayList<>();
        DispatchFixture.WorkerNode w1 = f.startWorker("w1", dataDir, "m1");
        w1.client().addListener(new DispatcherClient.Listener() {
            @Override
            public void assignments(Assignments a) {
                received.add(a);
            }
        });

        await().atMost(Duration.ofSeconds(10)).until(() -> f.task("t1").getStatus().getState() == TaskState.RUNNING);
        assertEquals(Set.of("t1"), w1.runtime().runningTaskIds(), "only its own task runs on w1");
        assertEquals(TaskState.ASSIGNED, f.task("t2").getStatus().getState());
        TaskConfig config = w1.runtime().config("t1");
        assertEquals("web.1.t1", config.name(), "the service name came with the assignments");
        assertEquals("s3cret", Files.readString(Path.of(config.env().get("ORCH_SECRETS_DIR")).resolve("db")));
        assertEquals(Set.of("w1"), m.dispatcher().connectedNodes());
        assertEquals(List.of("w1"), ups);

        Node node = f.store.read(r -> r.node("w1")).orElseThrow();
        assertEquals(NodeStatus.State.READY, node.getStatus().getState());
        assertEquals("host-w1", node.getDescription().getHostname());
        assertEquals(List.of("fake"), node.getRuntimesList());

        await().atMost(Duration.ofSeconds(5)).until(() -> !received.isEmpty());
        Assignments last = received.get(received.size() - 1);
        assertEquals(List.of("t1"), last.getTasksList().stream().map(Task::getId).toList());
        assertEquals(List.of("sec1"), last.getSecretsList().stream().map(s -> s.getId()).toList(),
                "only the secrets its tasks reference are sent to a node");

        f.setDesiredState("t1", TaskState.SHUTDOWN);
        await().atMost(Duration.ofSeconds(10)).until(() -> f.task("t1").getStatus().getState() == TaskState.SHUTDOWN);
        assertTrue(w1.runtime().runningTaskIds().isEmpty());
        // the secrets go once the task is over, just after its final status is reported (a tmpfs
        // unmount as root, a process of its own: on a busy host it outlasted the test otherwise)
        Path secrets = Path.of(config.env().get("ORCH_SECRETS_DIR"));
        await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(secrets));
    }

    @Test
    void statusForATaskOfAnotherNodeIsRefused() throws Exception {
        f.createTask(DispatchFixture.assigned("t1", "svc1", 1, "w1").build());
        f.createTask(DispatchFixture.assigned("t2", "svc1", 2, "w2").build());
        DispatchFixture.Manager m = f.startManager("m1");
        ManagedChannel channel = DispatchFixture.channelAs("w1", m.address());
        try {
            BlockingQueue<ManagerMessage> in = new LinkedBlockingQueue<>();
            StreamObserver<WorkerMessage> out = DispatcherGrpc.newStub(channel).session(collect(in, null));
            out.onNext(WorkerMessage.newBuilder().setHello(WorkerHello.getDefaultInstance()).build());
            TaskStatus running = TaskStatus.newBuilder().setState(TaskState.RUNNING).setMessage("started").build();
            out.onNext(WorkerMessage.newBuilder().setStatuses(StatusBatch.newBuilder().setBatchId(9)
                    .putStatuses("t2", running).putStatuses("t1", running)).build());

            ManagerMessage ack = next(in, ManagerMessage.KindCase.STATUS_ACK);
            assertEquals(9, ack.getStatusAck().getBatchId());
            assertEquals(List.of("t2"), ack.getStatusAck().getRefusedTaskIdsList());
            assertEquals(TaskState.ASSIGNED, f.task("t2").getStatus().getState(), "w2's task is untouched");
            assertEquals(TaskState.RUNNING, f.task("t1").getStatus().getState(), "w1's own task is applied");
            out.onCompleted();
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    void callersWithoutIdentityOrMembershipGetNoSession() throws Exception {
        DispatchFixture.Manager m = f.startManager("m1");
        assertEquals(Status.Code.PERMISSION_DENIED, sessionError(DispatchFixture.channelAs("stranger", m.address())));
        ManagedChannel anonymous = io.grpc.inprocess.InProcessChannelBuilder.forName(m.address()).build();
        assertEquals(Status.Code.UNAUTHENTICATED, sessionError(anonymous));
        assertTrue(m.dispatcher().connectedNodes().isEmpty());
    }

    @Test
    void theWorkerFailsOverToAnotherManagerAndKeepsWorking() throws Exception {
        f.createTask(DispatchFixture.assigned("t1", "svc1", 1, "w1").build());
        f.startManager("m1");
        f.startManager("m2");
        DispatchFixture.WorkerNode w1 = f.startWorker("w1", dataDir, "m1", "m2");
        await().atMost(Duration.ofSeconds(10)).until(() -> f.task("t1").getStatus().getState() == TaskState.RUNNING);
        String first = w1.client().manager().orElseThrow();
        String firstName = first.endsWith("m1") ? "m1" : "m2";
        String otherName = firstName.equals("m1") ? "m2" : "m1";

        f.killManager(firstName);
        await().atMost(Duration.ofSeconds(10)).until(() -> w1.client().manager().map(f.address(otherName)::equals).orElse(false));
        assertEquals(Set.of("w1"), f.managers.get(otherName).dispatcher().connectedNodes());

        f.createTask(DispatchFixture.assigned("t3", "svc1", 3, "w1").build());
        await().atMost(Duration.ofSeconds(10)).until(() -> f.task("t3").getStatus().getState() == TaskState.RUNNING);
        assertEquals(Set.of("t1", "t3"), w1.runtime().runningTaskIds(), "the running task was not disturbed by the switch");
    }

    @Test
    void aSilentManagerIsGivenUpForAnotherOne() throws Exception {
        f.createTask(DispatchFixture.assigned("t1", "svc1", 1, "w1").build());
        // accepts the session and then never says a word, like a manager whose host froze
        Server silent = InProcessServerBuilder.forName(f.address("silent")).addService(new DispatcherGrpc.DispatcherImplBase() {
            @Override
            public StreamObserver<WorkerMessage> session(StreamObserver<ManagerMessage> responses) {
                return collect(new LinkedBlockingQueue<>(), null);
            }
        }).build().start();
        try {
            f.startManager("m2");
            DispatchFixture.WorkerNode w1 = f.startWorker("w1", dataDir, "silent", "m2");
            await().atMost(Duration.ofSeconds(10)).until(() -> f.task("t1").getStatus().getState() == TaskState.RUNNING);
            assertEquals(f.address("m2"), w1.client().manager().orElseThrow());
        } finally {
            silent.shutdownNow();
        }
    }

    private static Status.Code sessionError(ManagedChannel channel) throws InterruptedException {
        try {
            Throwable[] error = new Throwable[1];
            BlockingQueue<ManagerMessage> in = new LinkedBlockingQueue<>();
            java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
            StreamObserver<WorkerMessage> out = DispatcherGrpc.newStub(channel).session(collect(in, t -> {
                error[0] = t;
                done.countDown();
            }));
            out.onNext(WorkerMessage.newBuilder().setHello(WorkerHello.getDefaultInstance()).build());
            assertTrue(done.await(5, TimeUnit.SECONDS), "the session was refused");
            assertNotNull(error[0]);
            return assertInstanceOf(StatusRuntimeException.class, error[0]).getStatus().getCode();
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    void theRevocationListIsSentAtSessionStartAndOnEveryChange() throws Exception {
        Instant now = Instant.now();
        f.store.updateAndWait(tx -> tx.create(RevocationEdits.nodeRemoved(
                io.orch.api.proto.Cluster.newBuilder().setId("c1").build(), Node.newBuilder().setId("gone1").build(), now)));
        DispatchFixture.Manager m = f.startManager("m1");
        ManagedChannel channel = DispatchFixture.channelAs("w1", m.address());
        try {
            BlockingQueue<ManagerMessage> in = new LinkedBlockingQueue<>();
            StreamObserver<WorkerMessage> out = DispatcherGrpc.newStub(channel).session(collect(in, null));
            out.onNext(WorkerMessage.newBuilder().setHello(WorkerHello.getDefaultInstance()).build());
            ManagerMessage first = next(in, ManagerMessage.KindCase.REVOCATIONS);
            assertEquals(List.of("gone1"), first.getRevocations().getRevokedList().stream()
                    .map(io.orch.api.proto.RevokedIdentity::getNodeId).toList());

            f.store.updateAndWait(tx -> tx.update(RevocationEdits.managerDemoted(tx.read().cluster().orElseThrow(),
                    Node.newBuilder().setId("m9").build(), now)));
            ManagerMessage second = next(in, ManagerMessage.KindCase.REVOCATIONS);
            assertEquals(List.of("gone1", "m9"), second.getRevocations().getRevokedList().stream()
                    .map(io.orch.api.proto.RevokedIdentity::getNodeId).toList());
            out.onCompleted();
        } finally {
            channel.shutdownNow();
        }
    }

    private static <T> StreamObserver<T> collect(BlockingQueue<T> into, java.util.function.Consumer<Throwable> onError) {
        return new StreamObserver<>() {
            @Override
            public void onNext(T value) {
                into.add(value);
            }

            @Override
            public void onError(Throwable t) {
                if (onError != null) {
                    onError.accept(t);
                }
            }

            @Override
            public void onCompleted() {
            }
        };
    }

    private static ManagerMessage next(BlockingQueue<ManagerMessage> in, ManagerMessage.KindCase kind) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            ManagerMessage m = in.poll(100, TimeUnit.MILLISECONDS);
            if (m != null && m.getKindCase() == kind) {
                return m;
            }
        }
        throw new AssertionError("no " + kind + " within 5 s");
    }
}
