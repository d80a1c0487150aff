package io.orch.agent.logs;

import io.orch.api.model.Times;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.orch.agent.pki.NodeCredentials;
import io.orch.agent.pki.NodeRole;
import io.orch.agent.pki.RootCa;
import io.orch.api.proto.LogChunk;
import io.orch.api.proto.TailRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** NodeLogs over real mutual TLS on loopback: what a manager may read, and what nobody else may. */
class NodeLogsServiceTest {
    private static final int PORT = 24101;
    private static final int NOTHING_LISTENS = 24199;
    private static final Instant T = Instant.parse("2025-03-01T10:00:00Z");

    @TempDir
    Path dir;
    private final TestClock clock = new TestClock(T);
    private RootCa ca;
    private LogNode worker;
    private NodeLogsClient manager;

    @BeforeEach
    void setUp() throws Exception {
        ca = RootCa.create("cluster-1");
        worker = new LogNode(ca, "w1", NodeRole.WORKER, dir.resolve("w1"), PORT, clock);
        NodeCredentials m = NodeCredentials.selfIssued(ca, "m1", NodeRole.MANAGER, List.of("127.0.0.1"));
        manager = new NodeLogsClient(m.clientContext());
        worker.append("t1", "stdout.log", "a\nb\nc\n");
        worker.append("t1", "stderr.log", "e1\n");
    }

    @AfterEach
    void tearDown() {
        manager.close();
        worker.close();
    }

    private static TailRequest.Builder request(String task) {
        return TailRequest.newBuilder().setTaskId(task).setStdout(true).setStderr(true).setTail(-1);
    }

    private List<String> readAll(NodeLogsClient client, TailRequest r) {
        List<String> out = new ArrayList<>();
        try (NodeLogsClient.BlockingTail t = client.tail(worker.address, r)) {
            t.forEachRemaining(c -> out.add(text(c)));
        }
        return out;
    }

    private static String text(LogChunk c) {
        return c.getStream() + " " + c.getLine().toString(StandardCharsets.UTF_8);
    }

    @Test
    void aManagerReadsTheLastLinesOfBothStreamsAndRawFilesAreTimedByTheFile() throws Exception {
        Instant written = Instant.parse("2025-02-01T08:00:00Z");
        Files.setLastModifiedTime(worker.tasksDir.resolve("t1/stdout.log"), FileTime.from(written));
        // tail counts the lines of both streams, in time order (stderr's file changed later)
        assertEquals(List.of("STDOUT c\n", "STDERR e1\n"), readAll(manager, request("t1").setTail(2).build()));
        try (NodeLogsClient.BlockingTail t = manager.tail(worker.address, request("t1").setStderr(false).setTail(1).build())) {
            assertEquals(written, Times.instant(t.next().getTimestamp()));
        }
        assertEquals(List.of("STDERR e1\n"), readAll(manager, request("t1").setStdout(false).build()));
        assertEquals(List.of(), readAll(manager, request("t1").setTail(0).build()));
    }

    @Test
    void withoutFollowALastLineWithoutItsNewlineIsCompleted() throws Exception {
        worker.append("t1", "stdout.log", "partial");
        assertEquals(List.of("STDOUT c\n", "STDOUT partial\n"), readAll(manager, request("t1").setStderr(false).setTail(2).build()));
    }

    @Test
    void aTaskThatWroteNothingHasNoLines() {
        assertEquals(List.of(), readAll(manager, request("never-started").build()));
    }

    @Test
    void sinceAndUntilKeepOrDropTheLinesAFileHolds() throws Exception {
        Files.setLastModifiedTime(worker.tasksDir.resolve("t1/stdout.log"), FileTime.from(T));
        Files.setLastModifiedTime(worker.tasksDir.resolve("t1/stderr.log"), FileTime.from(T.minusSeconds(3600)));
        TailRequest.Builder window = request("t1").setSince(Times.timestamp(T.minusSeconds(1))).setUntil(Times.timestamp(T.plusSeconds(1)));
        assertEquals(List.of("STDOUT a\n", "STDOUT b\n", "STDOUT c\n"), readAll(manager, window.build()));
        assertEquals(List.of(), readAll(manager, request("t1").setSince(Times.timestamp(T.plusSeconds(1))).build()));
        assertEquals(List.of("STDERR e1\n"), readAll(manager, request("t1").setUntil(Times.timestamp(T.minusSeconds(1))).build()));
    }

    @Test
    void followSendsTheTailThenNewLinesUntilTheCallerCancels() throws Exception {
        clock.set(T.plusSeconds(5)); // before any poll: the time a poll reads is then the time of the line it reads
        Collector c = new Collector();
        manager.follow(worker.address, request("t1").setFollow(true).setTail(2).build(), c);
        assertEquals("STDOUT c\n", text(c.next()));
        assertEquals("STDERR e1\n", text(c.next()));
        await().atMost(Duration.ofSeconds(10)).until(() -> worker.service.following() == 1);

        worker.append("t1", "stdout.log", "d\n");
        LogChunk d = c.next();
        assertEquals("STDOUT d\n", text(d));
        assertEquals(T.plusSeconds(5), Times.instant(d.getTimestamp()), "a followed line is timed when it was read (the service's clock), not by the file");

        c.cancel();
        await().atMost(Duration.ofSeconds(10)).until(() -> worker.service.following() == 0);
    }

    @Test
    void aFollowEndsOnceUntilHasPassed() throws Exception {
        Collector c = new Collector();
        manager.follow(worker.address, request("t1").setFollow(true).setTail(0)
                .setUntil(Times.timestamp(T.plusSeconds(10))).build(), c);
        await().atMost(Duration.ofSeconds(10)).until(() -> worker.service.following() == 1);
        worker.append("t1", "stderr.log", "inside\n");
        assertEquals("STDERR inside\n", text(c.next()));
        clock.set(T.plusSeconds(11));
        await().atMost(Duration.ofSeconds(10)).until(() -> c.completed);
        assertEquals(0, worker.service.following());
    }

    @Test
    void aWorkerMayNotReadAnotherNodesLogs() {
        NodeCredentials other = NodeCredentials.selfIssued(ca, "w2", NodeRole.WORKER, List.of("127.0.0.1"));
        try (NodeLogsClient workerClient = new NodeLogsClient(other.clientContext())) {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> readAll(workerClient, request("t1").build()));
            assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode());
            assertTrue(e.getStatus().getDescription().contains("worker"), e.getStatus().getDescription());
        }
    }

    @Test
    void aManagerOfAnotherClusterIsNotServed() {
        NodeCredentials stranger = NodeCredentials.selfIssued(RootCa.create("cluster-2"), "m9", NodeRole.MANAGER, List.of("127.0.0.1"));
        try (NodeLogsClient strangerClient = new NodeLogsClient(stranger.clientContext())) {
            assertThrows(StatusRuntimeException.class, () -> readAll(strangerClient, request("t1").build()));
        }
    }

    @Test
    void aTaskIdThatIsAPathIsRefused() {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> readAll(manager, request("../w1").build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        e = assertThrows(StatusRuntimeException.class, () -> readAll(manager, request("t1").setStdout(false).setStderr(false).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    }

    @Test
    void aNodeThatDoesNotAnswerFailsTheCallInsteadOfHanging() {
        assertTimeoutPreemptively(Duration.ofSeconds(15), () -> {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> {
                try (NodeLogsClient.BlockingTail t = manager.tail("127.0.0.1:" + NOTHING_LISTENS, request("t1").build())) {
                    t.hasNext();
                }
            });
            assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
        });
    }

    /** A follow call's chunks, as they come. */
    static final class Collector implements ClientResponseObserver<TailRequest, LogChunk> {
        final BlockingQueue<LogChunk> chunks = new LinkedBlockingQueue<>();
        volatile boolean completed;
        volatile Throwable error;
        private volatile ClientCallStreamObserver<TailRequest> call;

        @Override
        public void beforeStart(ClientCallStreamObserver<TailRequest> requestStream) {
            call = requestStream;
        }

        @Override
        public void onNext(LogChunk value) {
            chunks.add(value);
        }

        @Override
        public void onError(Throwable t) {
            error = t;
        }

        @Override
        public void onCompleted() {
            completed = true;
        }

        LogChunk next() throws InterruptedException {
            LogChunk c = chunks.poll(10, TimeUnit.SECONDS);
            assertNotNull(c, "no chunk within 10 s");
            return c;
        }

        void cancel() {
            call.cancel("test done", null);
        }
    }

    /** A clock the test sets (followed lines are timed by it; until is checked against it). */
    static final class TestClock extends Clock {
        private volatile Instant now;

        TestClock(Instant now) {
            this.now = now;
        }

        void set(Instant instant) {
            now = instant;
        }

        @Override
        public Instant instant() {
            return now;
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
