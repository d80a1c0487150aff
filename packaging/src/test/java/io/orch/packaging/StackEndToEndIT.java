package io.orch.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A stack through the packaged bin/orch with the process runtime: deploy (a secret and a config
 * the task reads from its files), redeploy with one change (only that service is updated), and
 * {@code stack rm} leaving nothing behind.
 */
class StackEndToEndIT {
    private static final String COMPOSE = """
            version: "3.9"
            services:
              app:
                image: busybox
                command: ["sh", "-c", "cat $$ORCH_CONFIGS_DIR/etc/app.conf && test -r $$ORCH_SECRETS_DIR/db_pass && echo secret-readable && exec sleep 1000"]
                secrets: [{source: db_pass, mode: 0400}]
                configs: [{source: app_conf, target: /etc/app.conf}]
                networks: [backend]
              worker:
                image: busybox
                command: ["sleep", "${SLEEP:-1001}"]
                deploy: {replicas: 2}
                networks: [backend]
            networks:
              backend: {driver: overlay}
            secrets:
              db_pass: {file: ./db_pass.txt}
            configs:
              app_conf: {file: ./app.conf}
            """;

    @TempDir
    Path tmp;
    private AgentProcess agent;
    private final Set<Long> taskPids = new HashSet<>();

    @AfterEach
    void cleanUp() {
        if (agent != null) {
            agent.close();
        }
        taskPids.forEach(TaskProcesses::kill);
    }

    private Dist.Result orch(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("-H", agent.host()));
        all.addAll(List.of(args));
        return Dist.run(all);
    }

    private void awaitRunning(String service, int count) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            List<Long> pids = agent.runningPids(service);
            taskPids.addAll(pids);
            assertEquals(count, pids.size(), "running tasks of " + service);
        });
    }

    private JsonNode byStackLabel(String kind) throws Exception {
        return agent.get("/" + kind + "?filters=" + URLEncoder.encode("{\"label\":{\"com.docker.stack.namespace=st\":true}}", StandardCharsets.UTF_8));
    }

    @Test
    void deployRedeployAndRemoveAStack() throws Exception {
        agent = new AgentProcess(tmp.resolve("data")).start();
        Path compose = tmp.resolve("docker-compose.yml");
        Files.writeString(compose, COMPOSE);
        Files.writeString(tmp.resolve("db_pass.txt"), "s3cret-value");
        Files.writeString(tmp.resolve("app.conf"), "app-config-content\n");

        Dist.Result deployed = orch("stack", "deploy", "-c", compose.toString(), "st");
        assertEquals(0, deployed.exit(), deployed.out() + deployed.err());
        assertEquals(List.of("Creating network st_backend", "Creating secret st_db_pass", "Creating config st_app_conf",
                "Creating service st_app", "Creating service st_worker"), List.of(deployed.out().strip().split("\n")));
        awaitRunning("st_app", 1);
        awaitRunning("st_worker", 2);

        // the task read its config and could read its secret, from files the worker wrote for it
        String appTask = runningTask("st_app");
        Path taskDir = agent.dataDir.resolve("tasks").resolve(appTask);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            String stdout = Files.readString(taskDir.resolve("stdout.log"));
            assertTrue(stdout.contains("app-config-content") && stdout.contains("secret-readable"), stdout);
        });
        assertEquals("r--------", PosixFilePermissions.toString(Files.getPosixFilePermissions(taskDir.resolve("secrets/db_pass"))));
        assertEquals("r--r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(taskDir.resolve("configs/etc/app.conf"))));
        String log = Files.readString(agent.log);
        assertFalse(log.contains("s3cret-value"), "secret data in the agent log");
        assertEquals(2, orch("stack", "services", "st").out().strip().split("\n").length - 1);
        assertTrue(orch("stack", "ls").out().contains("st        2"));

        // redeploy with one change: only the worker is updated, the app keeps its task
        List<Long> appPids = agent.runningPids("st_app");
        List<Long> workerPids = agent.runningPids("st_worker");
        Files.writeString(compose, COMPOSE.replace("${SLEEP:-1001}", "1002"));
        Dist.Result redeployed = orch("stack", "deploy", "-c", compose.toString(), "st");
        assertEquals(0, redeployed.exit(), redeployed.out() + redeployed.err());
        assertTrue(redeployed.out().contains("Updating service st_worker"), redeployed.out());
        assertFalse(redeployed.out().contains("service st_app"), redeployed.out());
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            List<Long> now = agent.runningPids("st_worker");
            taskPids.addAll(now);
            assertEquals(2, now.size());
            assertTrue(now.stream().noneMatch(workerPids::contains), "worker tasks replaced");
        });
        assertEquals(appPids, agent.runningPids("st_app"), "the unchanged service was not restarted");

        // stack rm: services, networks, secrets and configs of the stack are gone, and so are the processes
        Dist.Result removed = orch("stack", "rm", "st");
        assertEquals(0, removed.exit(), removed.out() + removed.err());
        for (String kind : List.of("services", "networks", "secrets", "configs")) {
            assertEquals(0, byStackLabel(kind).size(), kind + " left after stack rm");
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (long pid : taskPids) {
                assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "task process " + pid + " is gone");
            }
            assertFalse(Files.exists(taskDir.resolve("secrets")), "secret files removed with the task");
        });
        assertEquals("", orch("stack", "ls").out().replace("NAME      SERVICES", "").strip());
    }

    private String runningTask(String service) throws Exception {
        for (JsonNode t : agent.tasksOf(service)) {
            if (t.path("Status").path("State").asText().equals("running")) {
                return t.path("ID").asText();
            }
        }
        throw new AssertionError("no running task of " + service);
    }
}
