package io.orch.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import io.orch.runtime.image.ImageStore;
import io.orch.runtime.image.TestImages;
import io.orch.runtime.net.NodeNetwork;
import io.orch.runtime.runc.RuncRequirements;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ContainerSpec fields the stock docker CLI sets on `docker service create`, applied to a
 * real runc container by the packaged agent: capabilities, a sysctl, a ulimit, DNS settings, an
 * extra host, a supplementary group, --init (tini as PID 1), a sized tmpfs and a secret's owner
 * and mode, each checked on the running container. Needs root, runc, tini and the docker CLI.
 */
class ContainerSpecFieldsIT {
    private static final int CAP_CHOWN = 0;
    private static final int CAP_NET_ADMIN = 12;
    @TempDir
    Path tmp;
    private AgentProcess agent;

    @AfterEach
    void cleanUp() throws Exception {
        if (agent != null) {
            try {
                List<String> taskIds = new ArrayList<>();
                agent.get("/tasks").forEach(t -> taskIds.add(t.path("ID").asText()));
                agent.request("DELETE", "/services/cf", null);
                await().atMost(Duration.ofSeconds(30)).until(() -> agent.get("/tasks").isEmpty());
                // the worker tears the containers' network namespaces down after the tasks are gone
                await().atMost(Duration.ofSeconds(30)).until(() -> taskIds.stream()
                        .noneMatch(id -> Files.exists(Path.of("/var/run/netns", NodeNetwork.netnsName(id)))));
            } finally {
                agent.close();
            }
        }
    }

    private static String run(List<String> cmd, String dockerHost) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (dockerHost != null) {
            pb.environment().put("DOCKER_HOST", dockerHost);
        }
        Path out = Files.createTempFile("cmd", ".out");
        try {
            Process p = pb.redirectOutput(out.toFile()).start();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), cmd + " finished");
            String text = Files.readString(out);
            assertEquals(0, p.exitValue(), cmd + ": " + text);
            return text;
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private String docker(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("docker"));
        cmd.addAll(List.of(args));
        return run(cmd, agent.host());
    }

    /** Runs a command inside the task's container (runc exec: the container's namespaces and root). */
    private String inside(String taskId, String... command) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("runc", "--root", agent.dataDir.resolve("runc").toString(), "exec",
                "orch-" + taskId));
        cmd.addAll(List.of(command));
        return run(cmd, null);
    }

    private static String statusLine(long pid, String key) throws Exception {
        return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream().filter(l -> l.startsWith(key + ":"))
                .findFirst().orElseThrow().substring(key.length() + 1).trim();
    }

    private static boolean dockerInstalled() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, "docker"))) {
                return true;
            }
        }
        return false;
    }

    @Test
    void dockerServiceCreateFlagsReachTheRuncContainer() throws Exception {
        Optional<String> reason = RuncRequirements.unavailableReason();
        Assumptions.assumeTrue(reason.isEmpty(), () -> reason.get());
        Assumptions.assumeTrue(dockerInstalled(), "the docker CLI is not installed (.ci/run installs docker.io)");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/tini-static")), "tini is not installed (.ci/run installs it)");
        Path data = tmp.resolve("data");
        new ImageStore(data.resolve("images")).load(TestImages.busybox()
                .writeDockerArchive(Files.createDirectories(tmp.resolve("img")).resolve("busybox.tar"), "busybox:latest"));
        agent = new AgentProcess(data).runtime("runc").start();

        Path secret = Files.writeString(tmp.resolve("pw.txt"), "s3cret");
        docker("secret", "create", "pw", secret.toString());
        docker("service", "create", "-d", "--name", "cf",
                "--cap-add", "NET_ADMIN", "--cap-drop", "CHOWN",
                "--sysctl", "net.core.somaxconn=1024",
                "--ulimit", "nofile=1000:2000",
                "--dns", "192.0.2.53", "--dns-search", "example.org", "--dns-option", "ndots:3",
                "--host", "db:10.0.0.5",
                "--group", "nogroup", "--group", "1234",
                "--init",
                "--mount", "type=tmpfs,target=/scratch,tmpfs-size=1048576,tmpfs-mode=1770",
                "--secret", "source=pw,target=pw,uid=1000,gid=1001,mode=0440",
                "busybox", "sleep", "600");
        await().atMost(Duration.ofSeconds(30)).until(() -> agent.runningPids("cf").size() == 1);
        JsonNode task = agent.tasksOf("cf").get(0);
        String taskId = task.path("ID").asText();
        long pid = task.path("Status").path("ContainerStatus").path("PID").asLong();

        // --init: PID 1 is Docker's init (tini), the command its child
        assertEquals("docker-init", Files.readString(Path.of("/proc/" + pid + "/comm")).trim());
        assertTrue(inside(taskId, "ps").lines().anyMatch(l -> l.contains("sleep 600")));
        // --cap-add / --cap-drop
        BigInteger capEff = new BigInteger(statusLine(pid, "CapEff"), 16);
        assertTrue(capEff.testBit(CAP_NET_ADMIN), "CAP_NET_ADMIN added: " + capEff.toString(16));
        assertFalse(capEff.testBit(CAP_CHOWN), "CAP_CHOWN dropped: " + capEff.toString(16));
        // --group (a name from the image's /etc/group, and a number)
        List<String> groups = List.of(statusLine(pid, "Groups").split("\\s+"));
        assertTrue(groups.contains("65534") && groups.contains("1234"), groups.toString());
        // --ulimit
        String limits = Files.readString(Path.of("/proc/" + pid + "/limits"));
        assertTrue(limits.lines().anyMatch(l -> l.matches("Max open files\\s+1000\\s+2000\\s+files\\s*")), limits);
        // --sysctl, in the container's own network namespace
        assertEquals("1024", inside(taskId, "cat", "/proc/sys/net/core/somaxconn").trim());
        // --host
        assertTrue(inside(taskId, "cat", "/etc/hosts").contains("10.0.0.5\tdb\n"));
        // --dns, --dns-search, --dns-option
        String resolv = inside(taskId, "cat", "/etc/resolv.conf");
        assertTrue(resolv.contains("nameserver 192.0.2.53\nsearch example.org\noptions ndots:3\n"), resolv);
        // --mount type=tmpfs with size and mode
        String mountinfo = Files.readString(Path.of("/proc/" + pid + "/mountinfo"));
        String scratch = mountinfo.lines().filter(l -> l.split(" ")[4].equals("/scratch")).findFirst().orElseThrow();
        assertTrue(scratch.contains("size=1024k") && scratch.contains("mode=1770"), scratch);
        // --secret with uid, gid and mode
        assertEquals("1000 1001 440", inside(taskId, "stat", "-c", "%u %g %a", "/run/secrets/pw").trim());
    }

    /**
     * On an overlay network the container resolves through the embedded DNS (127.0.0.11); its
     * --dns nameservers are where that server forwards the names that are not orch's, for this
     * container only. A stand-in upstream on the host's loopback answers every A query with 192.0.2.99.
     */
    @Test
    void onAnOverlayNetworkDnsNameserversAreTheEmbeddedDnssUpstreams() throws Exception {
        Optional<String> reason = RuncRequirements.unavailableReason();
        Assumptions.assumeTrue(reason.isEmpty(), () -> reason.get());
        Assumptions.assumeTrue(dockerInstalled(), "the docker CLI is not installed (.ci/run installs docker.io)");
        Path data = tmp.resolve("data");
        new ImageStore(data.resolve("images")).load(TestImages.busybox()
                .writeDockerArchive(Files.createDirectories(tmp.resolve("img")).resolve("busybox.tar"), "busybox:latest"));
        agent = new AgentProcess(data).runtime("runc").start();
        try (java.net.DatagramSocket upstream = new java.net.DatagramSocket(new InetSocketAddress("127.0.0.153", 53))) {
            Thread responder = new Thread(() -> answerEverything(upstream), "fake-upstream");
            responder.setDaemon(true);
            responder.start();
            docker("network", "create", "-d", "overlay", "cfnet");
            docker("service", "create", "-d", "--name", "cf", "--network", "cfnet", "--dns", "127.0.0.153",
                    "--dns-search", "example.org", "busybox", "sleep", "600");
            await().atMost(Duration.ofSeconds(30)).until(() -> agent.runningPids("cf").size() == 1);
            String taskId = agent.tasksOf("cf").get(0).path("ID").asText();
            String resolv = inside(taskId, "cat", "/etc/resolv.conf");
            assertEquals("nameserver 127.0.0.11\nsearch example.org\noptions ndots:0\n", resolv);
            String answer = inside(taskId, "nslookup", "probe.invalid");
            assertTrue(answer.contains("192.0.2.99"), answer);
        }
    }

    /** A minimal DNS server: every query gets one A record, 192.0.2.99, for its question. */
    private static void answerEverything(java.net.DatagramSocket socket) {
        byte[] buf = new byte[512];
        while (!socket.isClosed()) {
            try {
                java.net.DatagramPacket in = new java.net.DatagramPacket(buf, buf.length);
                socket.receive(in);
                int len = in.getLength();
                int end = 12;
                while (end < len && buf[end] != 0) {
                    end += (buf[end] & 0xff) + 1;
                }
                end += 5; // the root label, QTYPE, QCLASS
                boolean isA = buf[end - 4] == 0 && buf[end - 3] == 1;
                java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
                out.write(buf, 0, 2);
                out.write(new byte[] {(byte) 0x81, (byte) 0x80, 0, 1, 0, (byte) (isA ? 1 : 0), 0, 0, 0, 0});
                out.write(buf, 12, end - 12);
                if (isA) {
                    out.write(new byte[] {(byte) 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 0, 0, 4, (byte) 192, 0, 2, 99});
                }
                byte[] reply = out.toByteArray();
                socket.send(new java.net.DatagramPacket(reply, reply.length, in.getSocketAddress()));
            } catch (IOException | RuntimeException e) {
                return;
            }
        }
    }
}
