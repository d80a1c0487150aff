package io.orch.packaging;

import io.orch.runtime.image.ImageStore;
import io.orch.runtime.image.TestImages;
import io.orch.runtime.runc.RuncRequirements;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real runc containers through the packaged agent: a service runs as containers, the agent is
 * killed with SIGKILL and started again on the same data dir, and the containers keep running
 * and are re-attached (same pids), not restarted. Needs root, runc and busybox-static.
 */
class RuncAgentRestartIT {
    @TempDir
    Path tmp;
    private AgentProcess agent;

    @AfterEach
    void cleanUp() throws Exception {
        if (agent != null) {
            try {
                agent.request("DELETE", "/services/r", null);
                await().atMost(Duration.ofSeconds(30)).until(() -> agent.get("/tasks").isEmpty());
            } finally {
                agent.close();
            }
        }
    }

    @Test
    void containersSurviveAgentKillNineAndAreReattached() throws Exception {
        Optional<String> reason = RuncRequirements.unavailableReason();
        if (reason.isPresent()) {
            System.out.println("SKIPPING runc end-to-end test: " + reason.get());
        }
        Assumptions.assumeTrue(reason.isEmpty(), () -> reason.get());
        Path data = tmp.resolve("data");
        // The node's image store is a directory of the data dir: load the test image into it directly.
        new ImageStore(data.resolve("images")).load(TestImages.busybox()
                .writeDockerArchive(Files.createDirectories(tmp.resolve("img")).resolve("busybox.tar"), "busybox:latest"));

        agent = new AgentProcess(data).runtime("runc").start();
        HttpResponse<String> created = agent.request("POST", "/services/create", "{\"Name\":\"r\",\"TaskTemplate\":"
                + "{\"ContainerSpec\":{\"Image\":\"busybox\",\"Command\":[\"sleep\",\"600\"]}},"
                + "\"Mode\":{\"Replicated\":{\"Replicas\":2}}}");
        assertEquals(201, created.statusCode(), created.body());
        await().atMost(Duration.ofSeconds(30)).until(() -> agent.runningPids("r").size() == 2);
        List<Long> before = agent.runningPids("r");

        long agentPid = agent.pid();
        agent.kill9(); // no clean shutdown at all
        await().atMost(Duration.ofSeconds(30)).until(() -> ProcessHandle.of(agentPid).map(p -> !p.isAlive()).orElse(true));
        for (long pid : before) {
            assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "container " + pid + " outlives the agent");
        }
        agent = new AgentProcess(data).runtime("runc").start();
        await().atMost(Duration.ofSeconds(30)).until(() -> agent.runningPids("r").size() == 2);
        assertEquals(new HashSet<>(before), new HashSet<>(agent.runningPids("r")), "re-attached, not restarted");
        assertTrue(Files.readString(agent.log).contains("Re-attached to 2 running task(s)"), Files.readString(agent.log));
    }
}
