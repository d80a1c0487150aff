package io.orch.packaging.cluster;

import io.orch.agent.seal.KeyWrap;
import io.orch.agent.seal.StoreKeyFile;
import io.orch.agent.seal.UnlockKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Autolock end to end: {@code orch init --autolock} shows the unlock key once; a secret is
 * created; the manager is killed (kill -9) and restarted: it is locked (no reads of secrets, no
 * writes, Docker's 503), a malformed and a wrong key are refused and it stays locked, {@code orch
 * unlock} with the right key on standard input unlocks it and the secret is there. Then the key is
 * rotated: after the next restart the old key is refused and the new one unlocks. Turning autolock
 * off leaves the key file in clear, and a restart is not locked.
 */
class AutolockIT {
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final String LOCKED = "Swarm is encrypted and needs to be unlocked before it can be used. "
            + "Please use \\\"docker swarm unlock\\\" to unlock it.";
    private ClusterFixture cluster;

    @RegisterExtension
    final KeepRunOnFailure keepRunOnFailure = new KeepRunOnFailure(() -> cluster);

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aRestartedManagerIsLockedUntilUnlockedWithTheCurrentKey() throws Exception {
        cluster = new ClusterFixture("autolock", new PortBlocks(27400, 27500, true)).initFlags("--autolock");
        AgentNode m1 = cluster.init("m1", NodeHost.LOOPBACK);
        String key1 = cli(m1, "unlock-key", "-q").strip();
        assertTrue(key1.startsWith("SWMKEY-1-"), key1);
        assertTrue(java.nio.file.Files.readString(m1.log).contains(key1), "init shows the unlock key once");
        assertTrue(m1.api.get("/swarm").at("/Spec/EncryptionConfig/AutoLockManagers").asBoolean());
        assertFalse(m1.api.call("GET", "/swarm", null).body().contains(key1.substring(9, 30)), "GET /swarm never shows the key");
        await("the key file is encrypted").atMost(DEADLINE).until(() -> StoreKeyFile.locked(m1.dataDir));
        assertTrue(opens(m1, key1));

        String marker = "autolock-" + UUID.randomUUID();
        NodeApi.Reply created = m1.api.call("POST", "/secrets/create", "{\"Name\":\"kept\",\"Data\":\""
                + Base64.getEncoder().encodeToString(marker.getBytes(StandardCharsets.UTF_8)) + "\"}");
        assertEquals(201, created.status(), created.toString());

        restartLocked(m1);
        NodeApi.Reply secrets = m1.api.call("GET", "/secrets", null);
        assertEquals(503, secrets.status(), secrets.toString());
        assertTrue(secrets.body().contains(LOCKED), secrets.body());
        assertEquals(503, m1.api.createSleepService("refused", 1, ClusterFixture.sleepTag()).status(), "no writes");

        OrchBinary.Result malformed = unlock(m1, "not-a-key");
        assertNotEquals(0, malformed.exit(), malformed.toString());
        assertTrue(malformed.err().contains("invalid key"), malformed.toString());
        OrchBinary.Result wrong = unlock(m1, UnlockKey.generate(new SecureRandom()).text());
        assertNotEquals(0, wrong.exit(), wrong.toString());
        assertTrue(wrong.err().contains("invalid key"), wrong.toString());
        assertEquals("locked", m1.api.get("/info").at("/Swarm/LocalNodeState").asText(), "a wrong key leaves it locked");

        OrchBinary.Result right = unlock(m1, key1);
        assertEquals(0, right.exit(), right.toString());
        awaitSecret(m1);

        String key2 = cli(m1, "unlock-key", "-q", "--rotate").strip();
        assertTrue(key2.startsWith("SWMKEY-1-") && !key2.equals(key1), key2);
        await("the key file is re-encrypted with the new key").atMost(DEADLINE).until(() -> opens(m1, key2));
        restartLocked(m1);
        OrchBinary.Result old = unlock(m1, key1);
        assertNotEquals(0, old.exit(), "the rotated-out key: " + old);
        assertEquals("locked", m1.api.get("/info").at("/Swarm/LocalNodeState").asText());
        assertEquals(0, unlock(m1, key2).exit(), "the new key unlocks");
        awaitSecret(m1);

        OrchBinary.Result off = OrchBinary.cli(m1.host.commandPrefix(), m1.apiPort(), "cluster", "update", "--autolock=false");
        assertEquals(0, off.exit(), off.toString());
        await("the key file back in clear").atMost(DEADLINE).until(() -> !StoreKeyFile.locked(m1.dataDir));
        m1.kill9();
        m1.restart(ClusterFixture.AGENT_READY);
        await("not locked without autolock").atMost(DEADLINE).untilAsserted(() ->
                assertEquals("active", m1.api.get("/info").at("/Swarm/LocalNodeState").asText()));
        awaitSecret(m1);
    }

    /** The same with the stock docker CLI: swarm init --autolock, unlock-key, a locked restart, swarm unlock, update. */
    @Test
    void theDockerCliLocksAndUnlocksAManager() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(onPath("docker"), "the docker CLI is not installed");
        cluster = new ClusterFixture("autolock-docker", new PortBlocks(27500, 27600, true));
        AgentNode m = new AgentNode("dm1", NodeHost.LOOPBACK, 27590, cluster.root);
        try {
            m.start(AgentNode.agentArgs(m), ClusterFixture.AGENT_READY);
            String host = "tcp://127.0.0.1:" + m.apiPort();
            Docker init = docker(host, null, "swarm", "init", "--autolock");
            assertEquals(0, init.exit(), init.out());
            String key = docker(host, null, "swarm", "unlock-key", "-q").out().strip();
            assertTrue(key.startsWith("SWMKEY-1-") && init.out().contains(key), "init shows the key: " + init.out());
            await("the key file is encrypted").atMost(DEADLINE).until(() -> StoreKeyFile.locked(m.dataDir));

            restartLocked(m);
            Docker refused = docker(host, null, "secret", "ls");
            assertNotEquals(0, refused.exit());
            assertTrue(refused.out().contains("Swarm is encrypted and needs to be unlocked"), refused.out());
            Docker wrong = docker(host, UnlockKey.generate(new SecureRandom()).text() + "\n", "swarm", "unlock");
            assertNotEquals(0, wrong.exit());
            assertTrue(wrong.out().contains("invalid key"), wrong.out());
            Docker right = docker(host, key + "\n", "swarm", "unlock");
            assertEquals(0, right.exit(), right.out());
            await("unlocked").atMost(DEADLINE).untilAsserted(() ->
                    assertEquals("active", docker(host, null, "info", "--format", "{{.Swarm.LocalNodeState}}").out().strip()));

            Docker off = docker(host, null, "swarm", "update", "--autolock=false");
            assertEquals(0, off.exit(), off.out());
            await("the key file back in clear").atMost(DEADLINE).until(() -> !StoreKeyFile.locked(m.dataDir));
        } finally {
            m.destroyWithTasks();
        }
    }

    record Docker(int exit, String out) {}

    private static Docker docker(String host, String stdin, String... args) throws Exception {
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("docker"));
        cmd.addAll(java.util.List.of(args));
        java.nio.file.Path out = java.nio.file.Files.createTempFile("docker", ".out");
        java.nio.file.Path in = java.nio.file.Files.createTempFile("docker", ".in");
        try {
            java.nio.file.Files.writeString(in, stdin == null ? "" : stdin);
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile())
                    .redirectInput(in.toFile());
            pb.environment().put("DOCKER_HOST", host);
            Process p = pb.start();
            if (!p.waitFor(90, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("docker " + java.util.List.of(args) + " did not finish within 90 s");
            }
            return new Docker(p.exitValue(), java.nio.file.Files.readString(out));
        } finally {
            java.nio.file.Files.deleteIfExists(out);
            java.nio.file.Files.deleteIfExists(in);
        }
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (java.nio.file.Files.isExecutable(java.nio.file.Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    private void restartLocked(AgentNode m) throws Exception {
        m.kill9();
        m.restart(ClusterFixture.AGENT_READY);
        assertEquals("locked", m.api.get("/info").at("/Swarm/LocalNodeState").asText());
    }

    private static void awaitSecret(AgentNode m) {
        await("the manager runs again and the secret is there").atMost(DEADLINE).untilAsserted(() -> {
            NodeApi.Reply r = m.api.call("GET", "/secrets", null);
            assertEquals(200, r.status(), r.toString());
            assertTrue(r.body().contains("\"kept\""), r.body());
        });
    }

    private static boolean opens(AgentNode m, String key) throws Exception {
        try {
            StoreKeyFile.load(m.dataDir, Optional.of(UnlockKey.parse(key)));
            return true;
        } catch (KeyWrap.InvalidUnlockKey | StoreKeyFile.Locked e) {
            return false;
        }
    }

    private static String cli(AgentNode m, String... args) throws Exception {
        OrchBinary.Result r = OrchBinary.cli(m.host.commandPrefix(), m.apiPort(), args);
        assertEquals(0, r.exit(), String.join(" ", args) + ": " + r);
        return r.out();
    }

    /** `orch unlock` with the key on standard input (never in argv). */
    private static OrchBinary.Result unlock(AgentNode m, String key) throws Exception {
        return OrchBinary.cliWithInput(m.host.commandPrefix(), m.apiPort(), key + "\n", "unlock");
    }
}
