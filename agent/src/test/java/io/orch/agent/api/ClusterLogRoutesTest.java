package io.orch.agent.api;

import io.netty.handler.codec.http.HttpMethod;
import io.orch.agent.logs.LogNode;
import io.orch.agent.logs.NodeLogsClient;
import io.orch.agent.pki.NodeCredentials;
import io.orch.agent.pki.NodeRole;
import io.orch.agent.pki.RootCa;
import io.orch.api.proto.Node;
import io.orch.api.proto.NodeSpec;
import io.orch.api.proto.NodeStatus;
import io.orch.api.proto.TaskState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The logs routes of a manager in a cluster: its own tasks from its files, a worker's through
 * that worker's NodeLogs over mutual TLS on loopback, merged into one Docker stream.
 */
class ClusterLogRoutesTest {
    private static final int WORKER_RPC = 24111;
    private static final int API_PORT = 24112;
    private static final int NOTHING_LISTENS = 24198;
    private static final String SILENT = "n0de3silent00000000000000";
    private static final String DEAD = "n0de4dead0000000000000000";

    @TempDir
    Path dir;
    private LogNode worker;
    private NodeLogsClient client;
    private ApiFixture api;
    private String web;

    @BeforeEach
    void setUp() throws Exception {
        RootCa ca = RootCa.create("c1usterid0000000000000000");
        worker = new LogNode(ca, ApiFixture.WORKER, NodeRole.WORKER, dir.resolve("worker"), WORKER_RPC, Clock.systemUTC());
        NodeCredentials manager = NodeCredentials.selfIssued(ca, ApiFixture.SELF, NodeRole.MANAGER, List.of("127.0.0.1"));
        client = new NodeLogsClient(manager.clientContext());
        api = new ApiFixture(ApiServices.local(null, dir.resolve("manager/tasks")).withNodeLogs(client));
        api.write(tx -> {
            tx.create(node(ApiFixture.WORKER, "host2", NodeStatus.State.READY, worker.address));
            tx.create(node(SILENT, "host3", NodeStatus.State.READY, "127.0.0.1:" + NOTHING_LISTENS));
            tx.create(node(DEAD, "host4", NodeStatus.State.DOWN, "127.0.0.1:" + NOTHING_LISTENS));
        });
        web = api.createService("{\"Name\":\"web\",\"TaskTemplate\":{\"ContainerSpec\":{\"Image\":\"busybox\"}},"
                + "\"Mode\":{\"Replicated\":{\"Replicas\":2}}}");
        addTask("local1", 1, ApiFixture.SELF);
        addTask("remote2", 2, ApiFixture.WORKER);
        appendLocal("local1", "stdout.log", "l1\nl2\n");
        appendLocal("local1", "stderr.log", "lerr\n");
        worker.append("remote2", "stdout.log", "r1\nr2\n");
        worker.append("remote2", "stderr.log", "rerr\n");
    }

    @AfterEach
    void tearDown() throws Exception {
        api.close();
        client.close();
        worker.close();
    }

    private static Node node(String id, String hostname, NodeStatus.State state, String rpcAddr) {
        Node n = ApiFixture.node(id, hostname, NodeSpec.Role.WORKER, state);
        // a worker's RPC address as its dispatcher session records it from the hello
        return n.toBuilder().setStatus(n.getStatus().toBuilder().setAddr(rpcAddr)).build();
    }

    private void addTask(String id, long slot, String node) {
        api.addTask(ServiceRoutesTest.task(id, web, node, TaskState.RUNNING, TaskState.RUNNING).toBuilder().setSlot(slot).build());
    }

    private void appendLocal(String task, String file, String text) throws IOException {
        Path f = Files.createDirectories(dir.resolve("manager/tasks").resolve(task)).resolve(file);
        Files.writeString(f, text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private List<LogFrameReader.Frame> logs(String uri) {
        ApiFixture.RawReply r = api.raw(HttpMethod.GET, uri, new byte[0]);
        assertEquals(200, r.status(), r.text());
        return LogFrameReader.decode(r.body());
    }

    private static String details(String node, String service, String task) {
        return "com.docker.swarm.node.id=" + node + ",com.docker.swarm.service.id=" + service + ",com.docker.swarm.task.id=" + task + " ";
    }

    @Test
    void serviceLogsHoldEveryNodesTasksTaskAfterTaskEachNamingItsNode() {
        String local = details(ApiFixture.SELF, web, "local1");
        String remote = details(ApiFixture.WORKER, web, "remote2");
        assertEquals(List.of(
                new LogFrameReader.Frame(1, local + "l1\n"), new LogFrameReader.Frame(1, local + "l2\n"),
                new LogFrameReader.Frame(2, local + "lerr\n"),
                new LogFrameReader.Frame(1, remote + "r1\n"), new LogFrameReader.Frame(1, remote + "r2\n"),
                new LogFrameReader.Frame(2, remote + "rerr\n")),
                logs("/v1.47/services/web/logs?stdout=1&stderr=1&details=1"));
    }

    @Test
    void tailIsPerTaskOnEveryNode() {
        assertEquals(List.of(new LogFrameReader.Frame(1, "l2\n"), new LogFrameReader.Frame(1, "r2\n")),
                logs("/services/web/logs?stdout=1&tail=1"));
    }

    @Test
    void aTaskOfAnotherNodeIsReadFromThatNode() {
        assertEquals(List.of(new LogFrameReader.Frame(2, "rerr\n")), logs("/tasks/remote2/logs?stderr=1"));
    }

    @Test
    void sinceAndUntilReachEveryNode() {
        long inAnHour = System.currentTimeMillis() / 1000 + 3600;
        assertEquals(List.of(), logs("/services/web/logs?stdout=1&stderr=1&since=" + inAnHour + ".000000000"));
        assertEquals(List.of(), logs("/services/web/logs?stdout=1&stderr=1&until=2001-01-01T00:00:00Z"));
        assertEquals(6, logs("/services/web/logs?stdout=1&stderr=1&since=2001-01-01T00:00:00Z&until=" + inAnHour).size());
        assertEquals(400, api.raw(HttpMethod.GET, "/services/web/logs?stdout=1&since=yesterday", new byte[0]).status());
        assertEquals(400, api.raw(HttpMethod.GET, "/services/web/logs?stdout=1&since=20&until=10", new byte[0]).status());
    }

    @Test
    void aNodeThatCannotServeGetsOneErrorLinePerTaskAndTheOthersGoOn() {
        addTask("silent3", 3, SILENT);
        addTask("dead4", 4, DEAD);
        List<LogFrameReader.Frame> frames = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> logs("/services/web/logs?stdout=1&stderr=1&details=1"));
        assertEquals(8, frames.size(), frames.toString());
        assertEquals(new LogFrameReader.Frame(1, details(ApiFixture.WORKER, web, "remote2") + "r2\n"), frames.get(4));
        LogFrameReader.Frame silent = frames.get(6);
        assertEquals(2, silent.stream());
        assertTrue(silent.payload().startsWith(details(SILENT, web, "silent3") + "Error grabbing logs: node " + SILENT
                + " at 127.0.0.1:" + NOTHING_LISTENS + " is not reachable"), silent.payload());
        LogFrameReader.Frame dead = frames.get(7);
        assertEquals(new LogFrameReader.Frame(2, details(DEAD, web, "dead4") + "Error grabbing logs: node " + DEAD + " (host4) is down\n"), dead);
    }

    @Test
    void followInterleavesEveryNodesLinesAndEndsTheRemoteFollowWhenTheClientLeaves() throws Exception {
        try (ApiServer server = new ApiServer(api.context)) {
            server.startTcp("127.0.0.1:" + API_PORT);
            HttpResponse<InputStream> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + API_PORT + "/v1.47/services/web/logs?stdout=1&stderr=1&follow=1&tail=2")).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, response.statusCode());
            InputStream body = response.body();
            BlockingQueue<LogFrameReader.Frame> frames = new LinkedBlockingQueue<>();
            Thread reader = new Thread(() -> {
                try {
                    LogFrameReader.Frame f;
                    while ((f = LogFrameReader.next(body)) != null) {
                        frames.add(f);
                    }
                } catch (IOException e) {
                    // the test closed the stream
                }
            }, "log-reader");
            reader.setDaemon(true);
            reader.start();

            Set<String> first = new HashSet<>();
            for (int i = 0; i < 4; i++) {
                first.add(next(frames).payload());
            }
            assertEquals(Set.of("l2\n", "lerr\n", "r2\n", "rerr\n"), first); // tail=2 over both streams of each task
            await().atMost(Duration.ofSeconds(10)).until(() -> worker.service.following() == 1);

            worker.append("remote2", "stdout.log", "r3\n");
            assertEquals(new LogFrameReader.Frame(1, "r3\n"), next(frames));
            appendLocal("local1", "stderr.log", "l3\n");
            assertEquals(new LogFrameReader.Frame(2, "l3\n"), next(frames));
            worker.append("remote2", "stderr.log", "r4\n");
            assertEquals(new LogFrameReader.Frame(2, "r4\n"), next(frames));

            body.close();
            reader.join(5000);
            await().atMost(Duration.ofSeconds(10)).until(() -> LogStream.FOLLOWING.get() == 0);
            await().atMost(Duration.ofSeconds(10)).until(() -> worker.service.following() == 0); // the remote follow was cancelled
        }
    }

    private static LogFrameReader.Frame next(BlockingQueue<LogFrameReader.Frame> frames) throws InterruptedException {
        LogFrameReader.Frame f = frames.poll(10, TimeUnit.SECONDS);
        assertNotNull(f, "no frame within 10 s");
        return f;
    }
}
