package io.orch.agent.dispatch;

import io.orch.api.concurrent.Ticker;
import io.orch.api.proto.WorkerHello;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Both ends of a dispatcher session measure its time on the ticker they are handed, not the JVM's. */
class DispatcherTickerTest {
    private static final Duration DEADLINE = Duration.ofSeconds(10);
    /** Far longer than any test runs: only the handed ticker can make it pass. */
    private static final Duration TIMEOUT = Duration.ofHours(1);

    private final AtomicLong offset = new AtomicLong();
    /** Real time (so heartbeats flow as usual) that the test can jump forward. */
    private final Ticker ticker = () -> System.nanoTime() + offset.get();
    private DispatchFixture f;
    private DispatcherClient client;

    @BeforeEach
    void setUp() throws Exception {
        f = new DispatchFixture();
        f.createNode("w1");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (client != null) {
            client.close();
        }
        f.close();
    }

    private DispatcherClient client(List<String> managers, Ticker ticker) {
        DispatcherClient.Settings settings = new DispatcherClient.Settings(Duration.ofMillis(100), TIMEOUT,
                Duration.ofMillis(20), Duration.ofMillis(200));
        return new DispatcherClient(() -> managers, DispatchFixture.channelsAs("w1"),
                () -> WorkerHello.newBuilder().build(), settings, new Random(7), ticker);
    }

    @Test
    void howLongNoManagerAnsweredIsTheTickersTime() {
        client = client(List.of(), ticker); // never connects
        offset.addAndGet(Duration.ofMinutes(5).toNanos());
        Duration cutOff = client.disconnectedFor();
        assertTrue(cutOff.compareTo(Duration.ofMinutes(5)) >= 0 && cutOff.compareTo(Duration.ofMinutes(6)) < 0,
                "measured on the ticker: " + cutOff);
    }

    @Test
    void aManagerSilentPastTheTimeoutOnTheTickerIsGivenUp() throws Exception {
        DispatchFixture.Manager m = f.startManager("m1");
        client = client(List.of(m.address()), ticker);
        AtomicBoolean jumped = new AtomicBoolean();
        AtomicBoolean lostAfterJump = new AtomicBoolean();
        AtomicBoolean lostBeforeJump = new AtomicBoolean();
        client.addListener(new DispatcherClient.Listener() {
            @Override
            public void connected(boolean connected) {
                if (!connected) {
                    (jumped.get() ? lostAfterJump : lostBeforeJump).set(true);
                }
            }
        });
        client.start();
        await().atMost(DEADLINE).until(client::connected);
        jumped.set(true);
        // jump again and again: a manager message between a jump and the client's next check
        // counts as heard after it
        await().atMost(DEADLINE).pollInterval(Duration.ofMillis(10)).until(() -> {
            offset.addAndGet(TIMEOUT.multipliedBy(2).toNanos());
            return lostAfterJump.get();
        });
        assertEquals(false, lostBeforeJump.get(), "the session held while the ticker did not jump");
    }

    @Test
    void aWorkerSilentPastTheTimeoutOnTheTickerIsGivenUp() throws Exception {
        DispatcherService.Settings settings = new DispatcherService.Settings(Duration.ofMillis(100), TIMEOUT,
                Duration.ofMillis(20), Duration.ofMillis(50), Duration.ofMillis(10));
        DispatchFixture.Manager m = f.startManager("m1", settings, ticker);
        AtomicBoolean jumped = new AtomicBoolean();
        Set<String> downAfterJump = ConcurrentHashMap.newKeySet();
        AtomicBoolean downBeforeJump = new AtomicBoolean();
        m.dispatcher().addListener(new DispatcherService.SessionListener() {
            @Override
            public void up(String nodeId) {
            }

            @Override
            public void down(String nodeId) {
                if (jumped.get()) {
                    downAfterJump.add(nodeId);
                } else {
                    downBeforeJump.set(true);
                }
            }
        });
        // the worker's own clock does not jump: only the manager can end the session
        client = client(List.of(m.address()), Ticker.system());
        client.start();
        await().atMost(DEADLINE).until(() -> m.dispatcher().connectedNodes().contains("w1"));
        jumped.set(true);
        await().atMost(DEADLINE).pollInterval(Duration.ofMillis(5)).until(() -> {
            offset.addAndGet(TIMEOUT.multipliedBy(2).toNanos());
            return downAfterJump.contains("w1");
        });
        assertEquals(false, downBeforeJump.get(), "the session held while the ticker did not jump");
    }
}
