package io.orch.raft.ratis;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.orch.raft.ratis.RatisTestSupport.freePort;
import static io.orch.raft.ratis.RatisTestSupport.settings;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** kill -9 a proposing process; every proposal it saw acknowledged must survive. */
class RatisProposerDurabilityTest {
    private static final int ACKS_BEFORE_KILL = 300;

    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedProposalSurvivesKillMinusNine() throws Exception {
        Path storage = dir.resolve("raft");
        int port = freePort();
        Process child = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-XX:TieredStopAtLevel=1",
                DurabilityChild.class.getName(), storage.toString(), Integer.toString(port))
                .redirectError(dir.resolve("child.err").toFile())
                .start();
        Map<Long, Long> acked = new ConcurrentHashMap<>(); // value -> index
        AtomicBoolean ready = new AtomicBoolean();
        Thread reader = new Thread(() -> readAcks(child, acked, ready), "child-stdout");
        reader.setDaemon(true);
        reader.start();
        try {
            await().atMost(Duration.ofSeconds(40)).until(() -> acked.size() >= ACKS_BEFORE_KILL || !child.isAlive());
            assertTrue(child.isAlive(), "child died early; see " + dir.resolve("child.err"));
        } finally {
            child.destroyForcibly(); // SIGKILL: no shutdown hooks, no snapshot at stop
            assertTrue(child.waitFor(20, TimeUnit.SECONDS));
        }
        reader.join(TimeUnit.SECONDS.toMillis(5));
        Map<Long, Long> acknowledged = Map.copyOf(acked);

        SummingApplier applier = new SummingApplier();
        try (RatisProposer restarted = new RatisProposer(settings(storage, port))) {
            restarted.start(applier);
            List<Long> values = applier.values();
            List<Long> indexes = applier.indexes();
            for (Map.Entry<Long, Long> ack : acknowledged.entrySet()) {
                int at = values.indexOf(ack.getKey());
                assertTrue(at >= 0, "acknowledged value " + ack.getKey() + " lost");
                assertEquals(ack.getValue(), indexes.get(at), "value " + ack.getKey() + " moved to another index");
            }
            System.out.printf("kill -9 after %d acks: %d applied after restart (start %d ms)%n",
                    acknowledged.size(), values.size(), restarted.startMillis());
        }
    }

    private static void readAcks(Process child, Map<Long, Long> acked, AtomicBoolean ready) {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                if (line.equals("READY")) {
                    ready.set(true);
                } else if (line.startsWith("ACK ")) {
                    String[] parts = line.split(" ");
                    acked.put(Long.parseLong(parts[1]), Long.parseLong(parts[2]));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
