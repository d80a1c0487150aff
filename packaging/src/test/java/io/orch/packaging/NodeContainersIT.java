package io.orch.packaging;

import io.orch.runtime.image.ImageStore;
import io.orch.runtime.image.TestImages;
import io.orch.runtime.runc.RuncRequirements;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stock docker CLI's container commands against the node's own tasks, run as real runc
 * containers: ps, inspect, logs, top, stats, exec (plain, with stdin, with a terminal), kill, and
 * a service whose tasks have a terminal ({@code service create -t}). Needs root, runc,
 * busybox-static, the docker CLI and util-linux {@code script}.
 */
class NodeContainersIT {
    @TempDir
    Path tmp;
    private AgentProcess agent;

    record Out(int exit, String text) {}

    @AfterEach
    void cleanUp() throws Exception {
        if (agent != null) {
            try {
                agent.request("DELETE", "/services/c", null);
                agent.request("DELETE", "/services/t", null);
                agent.request("DELETE", "/services/p", null);
                await().atMost(Duration.ofSeconds(30)).until(() -> agent.get("/tasks").isEmpty());
            } finally {
                agent.close();
            }
        }
    }

    private Out run(Path stdin, String... cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("DOCKER_HOST", agent.host());
        Path out = Files.createTempFile(tmp, "cmd", ".out");
        pb.redirectOutput(out.toFile());
        pb.redirectInput(stdin == null ? ProcessBuilder.Redirect.from(new File("/dev/null")) : ProcessBuilder.Redirect.from(stdin.toFile()));
        Process p = pb.start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(List.of(cmd) + " did not finish within 30 s: " + Files.readString(out));
        }
        return new Out(p.exitValue(), Files.readString(out));
    }

    private String docker(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("docker"));
        cmd.addAll(List.of(args));
        Out o = run(null, cmd.toArray(String[]::new));
        assertEquals(0, o.exit(), cmd + ": " + o.text());
        return o.text();
    }

    private static boolean installed(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    /** The IDs of the service's running containers, from `docker ps` filtered by the swarm label. */
    private List<String> containersOf(String service) throws Exception {
        String ids = docker("ps", "-q", "--no-trunc", "--filter", "label=com.docker.swarm.service.name=" + service);
        return ids.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    @Test
    void dockerContainerCommandsWorkOnRuncTasks() throws Exception {
        Optional<String> reason = RuncRequirements.unavailableReason();
        if (reason.isPresent()) {
            System.out.println("SKIPPING runc end-to-end test: " + reason.get());
        }
        Assumptions.assumeTrue(reason.isEmpty(), () -> reason.get());
        Assumptions.assumeTrue(installed("docker"), "the docker CLI is not installed");
        Assumptions.assumeTrue(installed("script"), "util-linux script is not installed");
        Path data = tmp.resolve("data");
        new ImageStore(data.resolve("images")).load(TestImages.busybox()
                .writeDockerArchive(Files.createDirectories(tmp.resolve("img")).resolve("busybox.tar"), "busybox:latest"));
        agent = new AgentProcess(data).runtime("runc").start();

        String image = docker("image", "inspect", "--format", "{{.Id}} {{index .RepoTags 0}} {{.Os}}", "busybox").strip();
        assertTrue(image.matches("sha256:[0-9a-f]{64} busybox:latest linux"), image);
        docker("tag", "busybox", "example.com/team/bb:v1");
        assertEquals(image.split(" ")[0], docker("image", "inspect", "--format", "{{.Id}}", "example.com/team/bb:v1").strip());
        String history = docker("history", "busybox");
        assertTrue(history.lines().count() >= 2 && history.contains("IMAGE"), history);

        docker("service", "create", "--detach", "--name", "c", "busybox", "sh", "-c", "echo started-$HOSTNAME; sleep 600");
        await().atMost(Duration.ofSeconds(30)).until(() -> containersOf("c").size() == 1);
        String id = containersOf("c").get(0);
        assertEquals(64, id.length(), id);

        String ps = docker("ps", "--format", "{{.ID}} {{.Names}} {{.Label \"com.docker.swarm.task.id\"}} {{.Status}}");
        assertTrue(ps.lines().anyMatch(l -> id.startsWith(l.split(" ")[0]) && l.contains(" c.1.") && l.contains("Up")), ps);

        String pid = docker("inspect", "--format", "{{.State.Pid}} {{.State.Running}}", id).strip();
        assertTrue(pid.matches("[1-9][0-9]* true"), pid);
        assertTrue(ProcessHandle.of(Long.parseLong(pid.split(" ")[0])).isPresent(), "State.Pid is a live process: " + pid);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            String logs = docker("logs", id);
            assertTrue(logs.contains("started-"), logs);
        });
        String top = docker("top", id);
        assertTrue(top.lines().anyMatch(l -> l.contains("sleep 600")), top);
        String stats = docker("stats", "--no-stream", "--format", "{{.ID}} {{.MemUsage}}", id);
        assertTrue(stats.matches("(?s)\\S+ [0-9.]+[KMG]?i?B / .*"), stats);

        String hostname = docker("exec", id, "cat", "/etc/hostname").strip();
        assertTrue(!hostname.isEmpty(), "exec printed the container's /etc/hostname");
        Path hi = tmp.resolve("hi.txt");
        Files.writeString(hi, "hi\n");
        Out echoed = run(hi, "docker", "exec", "-i", id, "cat");
        assertEquals(new Out(0, "hi\n"), echoed, "stdin reaches the command, its half-close ends it");
        Out failing = run(null, "docker", "exec", id, "sh", "-c", "exit 3");
        assertEquals(3, failing.exit(), failing.text());
        Out tty = run(null, "script", "-qec", "docker exec -it " + id + " tty", "/dev/null");
        assertEquals(0, tty.exit(), tty.text());
        assertTrue(tty.text().contains("/dev/pts/"), tty.text());

        docker("kill", id);
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            List<String> now = containersOf("c");
            return now.size() == 1 && !now.get(0).equals(id);
        });
        assertNotEquals(id, containersOf("c").get(0), "the task was replaced after the kill");
        assertEquals("137", docker("wait", id).strip(), "docker wait reports the killed container's exit code");

        // a task with a terminal: its stdio is a pty and its logs are raw, as Docker's
        docker("service", "create", "--detach", "-t", "--name", "t", "busybox", "sh", "-c", "tty; sleep 600");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            String logs = docker("service", "logs", "--raw", "t");
            assertTrue(logs.contains("/dev/pts/"), logs);
        });
        String tid = containersOf("t").get(0);
        assertTrue(docker("logs", tid).startsWith("/dev/pts/"), "raw, not multiplexed");

        // a task of the process runtime has no container to exec in: the create is refused, and the CLI says why
        assertEquals(0, Dist.run("-H", agent.host(), "service", "create", "--detach", "--name", "p", "--runtime", "process",
                "busybox", "sleep", "1001").exit());
        await().atMost(Duration.ofSeconds(30)).until(() -> containersOf("p").size() == 1);
        Out refused = run(null, "docker", "exec", containersOf("p").get(0), "true");
        assertNotEquals(0, refused.exit(), refused.text());
        assertTrue(refused.text().contains("the process runtime cannot run commands in its tasks"), refused.text());
    }
}
