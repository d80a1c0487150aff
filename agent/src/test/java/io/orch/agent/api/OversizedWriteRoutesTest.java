package io.orch.agent.api;

import io.orch.raft.ratis.RaftSettings;
import io.orch.raft.ratis.RatisProposer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeout;

/**
 * A write too large for the cluster store, on a manager with a real Raft replica (Ratis, the
 * production timeouts): a service with a 15 MB label used to answer 503 after the 10 s propose
 * timeout, and every later write on that manager failed with "RAFT is closed"; a 4.5 MB one
 * stopped all writes for half a minute. Now both are refused at once with one line (a label by
 * the labels' own bound, anything else by the store's cap on one object), and the next write
 * goes through.
 */
class OversizedWriteRoutesTest {
    /** Far below the 10 s a write waits for its commit before it is answered with 503. */
    private static final Duration AT_ONCE = Duration.ofSeconds(5);

    @TempDir
    Path dir;
    private ApiFixture api;

    @BeforeEach
    void start() throws IOException {
        api = new ApiFixture(new RatisProposer(RaftSettings.singleVoter(ApiFixture.SELF, "127.0.0.1:" + freePort(),
                "c1usterid0000000000000000", dir)));
    }

    @AfterEach
    void close() throws IOException {
        api.close();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static String spec(String name, String labelValue) {
        return "{\"Name\":\"" + name + "\",\"Labels\":{\"big\":\"" + labelValue + "\"},"
                + "\"TaskTemplate\":{\"ContainerSpec\":{\"Image\":\"busybox\"}}}";
    }

    private static String specWithEnv(String name, String envValue) {
        return "{\"Name\":\"" + name + "\",\"TaskTemplate\":{\"ContainerSpec\":{\"Image\":\"busybox\",\"Env\":[\"BIG="
                + envValue + "\"]}}}";
    }

    /** Labels have a bound of their own (64 KiB), checked before the store sees the service. */
    @ParameterizedTest
    @CsvSource({"15000000", "4500000"})
    void aServiceWithAHugeLabelIsRefusedAtOnceWithOneLineAndTheNextWriteGoesThrough(int labelBytes) {
        ApiFixture.Reply refused = assertTimeout(AT_ONCE, () -> api.post("/v1.47/services/create", spec("huge", "x".repeat(labelBytes))));

        assertEquals(400, refused.status(), refused.body());
        assertEquals("invalid ServiceSpec: Labels: labels too large: this object's labels take more than 65536 bytes (64 KiB) "
                + "of keys and values", refused.message());
        assertNextWriteGoesThrough();
    }

    /**
     * What no field bound catches (a huge environment) meets the bound on a whole spec (half the
     * store's cap on one object, so the service can still be updated), naming the field to shrink.
     */
    @ParameterizedTest
    @CsvSource({"15000000, 14648.5 KiB", "4500000, 4394.6 KiB"})
    void aServiceTooLargeForTheStoreIsRefusedAtOnceWithOneLineAndTheNextWriteGoesThrough(int envBytes, String shown) {
        ApiFixture.Reply refused = assertTimeout(AT_ONCE, () -> api.post("/v1.47/services/create",
                specWithEnv("huge", "x".repeat(envBytes))));

        assertEquals(400, refused.status(), refused.body());
        assertEquals("invalid ServiceSpec: TaskTemplate.ContainerSpec.Env: the spec is " + shown + " serialised, over the limit of "
                + "480.0 KiB (a service keeps its previous spec for rollback, and both must fit in one store object)", refused.message());
        assertNextWriteGoesThrough();
    }

    private void assertNextWriteGoesThrough() {
        assertEquals(0, api.serviceCount());
        ApiFixture.Reply next = assertTimeout(AT_ONCE, () -> api.post("/v1.47/services/create", spec("web", "small")));
        assertEquals(201, next.status(), next.body());
        assertEquals(1, api.serviceCount());
    }
}
