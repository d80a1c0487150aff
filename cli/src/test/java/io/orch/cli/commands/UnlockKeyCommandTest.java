package io.orch.cli.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.orch.cli.testing.CliRun;
import io.orch.cli.testing.StubResponse;
import io.orch.cli.testing.UnixStubServer;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code orch unlock-key [-q] [--rotate]} and {@code orch cluster update --autolock}: docker's output and requests. */
class UnlockKeyCommandTest {
    private static final String KEY = "SWMKEY-1-7c37Cc8654o6p38HnroywCi19pllOnGtbdZEgtKxZu8";
    private static final String ROTATED = "SWMKEY-1-rotatedrotatedrotatedrotatedrotatedrota";

    private final AtomicBoolean autolock = new AtomicBoolean(true);
    private final AtomicReference<String> key = new AtomicReference<>(KEY);
    private final List<String> updates = new CopyOnWriteArrayList<>();
    private UnixStubServer agent;

    @BeforeEach
    void start() throws IOException {
        agent = new UnixStubServer(r -> {
            String t = r.decodedTarget();
            if (r.method().equals("GET") && t.equals("/v1.47/swarm")) {
                return StubResponse.ok("{\"ID\":\"c1\",\"Version\":{\"Index\":7},\"Spec\":{\"Name\":\"default\","
                        + "\"EncryptionConfig\":{\"AutoLockManagers\":" + autolock.get() + "}}}");
            }
            if (r.method().equals("GET") && t.equals("/v1.47/swarm/unlockkey")) {
                return StubResponse.ok("{\"UnlockKey\":\"" + (autolock.get() ? key.get() : "") + "\"}");
            }
            if (r.method().equals("POST") && t.startsWith("/v1.47/swarm/update")) {
                updates.add(t + " " + r.bodyText());
                if (t.contains("rotateManagerUnlockKey=true")) {
                    key.set(ROTATED);
                }
                if (r.bodyText().contains("\"AutoLockManagers\":true")) {
                    autolock.set(true);
                }
                return StubResponse.ok("");
            }
            return StubResponse.error(404, "page not found: " + r.method() + " " + t);
        });
    }

    @AfterEach
    void stop() throws IOException {
        agent.close();
    }

    @Test
    void showsTheKeyAsDockerDoesOrAloneWithQuiet() {
        CliRun r = CliRun.run("-H", agent.url(), "unlock-key");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("run the `orch unlock`") && r.out().contains("    " + KEY + "\n"), r.out());
        CliRun q = CliRun.run("-H", agent.url(), "unlock-key", "-q");
        assertEquals(KEY + "\n", q.out());
        assertTrue(updates.isEmpty(), "showing changes nothing");
    }

    @Test
    void rotateAsksForANewKeyAndShowsIt() {
        CliRun r = CliRun.run("-H", agent.url(), "unlock-key", "-q", "--rotate");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(ROTATED + "\n", r.out());
        assertEquals(1, updates.size());
        assertTrue(updates.get(0).startsWith("/v1.47/swarm/update?version=7&rotateManagerUnlockKey=true"), updates.get(0));
    }

    @Test
    void withoutAutolockThereIsNoKeyAndNothingToRotate() {
        autolock.set(false);
        CliRun show = CliRun.run("-H", agent.url(), "unlock-key");
        assertEquals(1, show.exitCode(), show.toString());
        assertTrue(show.err().contains("no unlock key is set"), show.err());
        CliRun rotate = CliRun.run("-H", agent.url(), "unlock-key", "--rotate");
        assertEquals(1, rotate.exitCode(), rotate.toString());
        assertTrue(rotate.err().contains("not autolocked"), rotate.err());
        assertTrue(updates.isEmpty(), "nothing changed");
    }

    @Test
    void clusterUpdateTurnsAutolockOnAndShowsTheKeyOnce() {
        autolock.set(false);
        CliRun r = CliRun.run("-H", agent.url(), "cluster", "update", "--autolock");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(updates.get(0).contains("\"EncryptionConfig\":{\"AutoLockManagers\":true}"), updates.get(0));
        assertTrue(r.out().startsWith("Cluster updated.\n") && r.out().contains(KEY), r.out());

        CliRun again = CliRun.run("-H", agent.url(), "cluster", "update", "--autolock=true");
        assertFalse(again.out().contains(KEY), "already on: the key is not shown again");
        CliRun off = CliRun.run("-H", agent.url(), "cluster", "update", "--autolock=false");
        assertEquals(0, off.exitCode(), off.toString());
        assertTrue(updates.get(2).contains("\"AutoLockManagers\":false"), updates.get(2));
    }
}
