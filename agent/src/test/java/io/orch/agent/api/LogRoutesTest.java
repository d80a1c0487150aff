package io.orch.agent.api;

import io.netty.handler.codec.http.HttpMethod;
import io.orch.api.proto.TaskState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The logs routes: Docker's framing, stream selection, tail, details, timestamps, follow. */
class LogRoutesTest {
    @TempDir
    Path dir;
    private ApiFixture api;
    private String web;

    @BeforeEach
    void setUp() throws Exception {
        api = new ApiFixture(ApiServices.local(null, dir.resolve("tasks")));
        web = api.createService("{\"Name\":\"web\",\"TaskTemplate\":{\"ContainerSpec\":{\"Image\":\"busybox\"}},"
                + "\"Mode\":{\"Replicated\":{\"Replicas\":2}}}");
        addTask("task1", 1, ApiFixture.SELF);
        addTask("task2", 2, ApiFixture.SELF);
        addTask("elsewhere", 3, ApiFixture.WORKER);
        append("task1", "stdout.log", "one\ntwo\nthree\n");
        append("task1", "stderr.log", "oops\n");
        append("task2", "stdout.log", "2a\n2b\n");
    }

    @AfterEach
    void tearDown() throws Exception {
        api.close();
    }

    private void addTask(String id, long slot, String node) {
        api.addTask(ServiceRoutesTest.task(id, web, node, TaskState.RUNNING, TaskState.RUNNING).toBuilder().setSlot(slot).build());
    }

    private void append(String task, String file, String text) throws IOException {
        Path f = Files.createDirectories(dir.resolve("tasks").resolve(task)).resolve(file);
        Files.writeString(f, text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private List<LogFrameReader.Frame> logs(String uri) {
        ApiFixture.RawReply r = api.raw(HttpMethod.GET, uri, new byte[0]);
        assertEquals(200, r.status(), r.text());
        assertEquals(LogFrames.CONTENT_TYPE, r.headers().get("Content-Type"));
        return LogFrameReader.decode(r.body());
    }

    @Test
    void serviceLogsAreFramedPerLineWithStdoutAndStderrApart() {
        List<LogFrameReader.Frame> frames = logs("/v1.47/services/web/logs?stdout=1&stderr=1");
        assertEquals(List.of(new LogFrameReader.Frame(1, "one\n"), new LogFrameReader.Frame(1, "two\n"),
                new LogFrameReader.Frame(1, "three\n"), new LogFrameReader.Frame(2, "oops\n"),
                new LogFrameReader.Frame(1, "2a\n"), new LogFrameReader.Frame(1, "2b\n")), frames);
    }

    @Test
    void onlyTheStreamsAskedForAndAtLeastOne() {
        assertEquals(List.of(new LogFrameReader.Frame(2, "oops\n")), logs("/services/" + web + "/logs?stderr=1"));
        assertEquals(400, api.raw(HttpMethod.GET, "/services/web/logs", new byte[0]).status());
    }

    @Test
    void tailIsPerTaskOverTheStreamsAskedFor() {
        List<LogFrameReader.Frame> frames = logs("/services/web/logs?stdout=1&tail=1");
        assertEquals(List.of(new LogFrameReader.Frame(1, "three\n"), new LogFrameReader.Frame(1, "2b\n")), frames);
        assertEquals(List.of(new LogFrameReader.Frame(2, "oops\n"), new LogFrameReader.Frame(1, "2b\n")),
                logs("/services/web/logs?stdout=1&stderr=1&tail=1"));
        assertEquals(List.of(), logs("/services/web/logs?stdout=1&tail=0"));
        assertEquals(400, api.raw(HttpMethod.GET, "/services/web/logs?stdout=1&tail=lots", new byte[0]).status());
    }

    @Test
    void detailsPrefixEachLineWithNodeServiceAndTaskIdsAsTheDockerCliParsesThem() {
        List<LogFrameReader.Frame> frames = logs("/services/web/logs?stdout=1&tail=1&details=1");
        assertEquals("com.docker.swarm.node.id=" + ApiFixture.SELF + ",com.docker.swarm.service.id=" + web
                + ",com.docker.swarm.task.id=task1 three\n", frames.get(0).payload());
    }

    @Test
    void timestampsComeFirstInDockersFormat() {
        String payload = logs("/services/web/logs?stdout=1&tail=1&timestamps=1&details=1").get(0).payload();
        assertTrue(payload.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z com\\.docker\\.swarm\\.node\\.id=\\S+ three\n"), payload);
    }

    @Test
    void taskLogsAndTheirLimits() {
        assertEquals(List.of(new LogFrameReader.Frame(1, "2a\n"), new LogFrameReader.Frame(1, "2b\n")),
                logs("/tasks/task2/logs?stdout=1&stderr=1"));
        assertEquals(501, api.raw(HttpMethod.GET, "/tasks/elsewhere/logs?stdout=1", new byte[0]).status());
        assertEquals(404, api.raw(HttpMethod.GET, "/tasks/nosuch/logs?stdout=1", new byte[0]).status());
    }

    @Test
    void aLastLineWithoutNewlineIsCompletedWhenNotFollowing() throws Exception {
        append("task2", "stdout.log", "partial");
        List<LogFrameReader.Frame> frames = logs("/tasks/task2/logs?stdout=1&tail=1");
        assertEquals(List.of(new LogFrameReader.Frame(1, "partial\n")), frames);
    }

    @Test
    void followStreamsNewLinesAndNewTasksUntilTheClientLeaves() throws Exception {
        try (ApiServer server = new ApiServer(api.context)) {
            InetSocketAddress address = server.startTcp("127.0.0.1:0");
            HttpClient client = HttpClient.newHttpClient();
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + address.getPort()
                    + "/v1.47/services/web/logs?stdout=1&stderr=1&follow=1&tail=1&details=1")).build();
            HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, response.statusCode());
            BlockingQueue<LogFrameReader.Frame> frames = new LinkedBlockingQueue<>();
            InputStream body = response.body();
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

            // tail=1 counts both streams: task1's last line is its stderr one (written last)
            assertTrue(next(frames).payload().endsWith("task1 oops\n"));
            assertTrue(next(frames).payload().endsWith("task2 2b\n"));

            append("task1", "stdout.log", "four\n");
            assertTrue(next(frames).payload().endsWith("task1 four\n"));

            addTask("task3", 3, ApiFixture.SELF); // started after the request: shown from its first line
            append("task3", "stderr.log", "late\n");
            LogFrameReader.Frame late = next(frames);
            assertEquals(2, late.stream());
            assertTrue(late.payload().endsWith("task3 late\n"), late.payload());

            assertEquals(1, LogStream.FOLLOWING.get());
            body.close();
            reader.join(5000);
            await().atMost(Duration.ofSeconds(10)).until(() -> LogStream.FOLLOWING.get() == 0); // the poller stopped
        }
    }

    private static LogFrameReader.Frame next(BlockingQueue<LogFrameReader.Frame> frames) throws InterruptedException {
        LogFrameReader.Frame f = frames.poll(10, TimeUnit.SECONDS);
        assertNotNull(f, "no frame within 10 s");
        return f;
    }
}
