package io.orch.packaging.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orch.packaging.cluster.ClusterFixture.Role;
import io.orch.runtime.image.ImageException;
import io.orch.runtime.image.ImageStore;
import io.orch.runtime.image.TestImages;
import io.orch.runtime.runc.RuncRequirements;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;

/**
 * Managers n1..nN, each in its own network-namespace host (NetnsLab) running runc containers of
 * the busybox test image, and what tests and benchmarks of service networking do with them:
 * networks and services through n1's API, and lookups and connections from inside a task's
 * container. Closing it removes the services (so the agents take their containers down), the
 * agents and the hosts.
 */
final class OverlayCluster implements AutoCloseable {
    static final Duration DEADLINE = Duration.ofSeconds(60); // a deadline, not a goal
    private static final Pattern ADDRESS = Pattern.compile("Address(?: \\d+)?:\\s+(\\d+\\.\\d+\\.\\d+\\.\\d+)");
    static final String ADDRESS_POOL = "10.30.0.0/16";
    static final int DATA_PATH_PORT = 4790;
    final NetnsLab lab;
    final ClusterFixture cluster;
    final AgentNode n1;

    /** Why these hosts cannot be built here (root, runc, busybox, nft, curl...), or empty. */
    static Optional<String> unavailableReason() {
        return NetnsLab.unavailableReason().or(RuncRequirements::unavailableReason).or(OverlayCluster::toolsMissing);
    }

    private static Optional<String> toolsMissing() {
        for (String tool : List.of("nft", "curl", "nsenter", "unshare")) {
            if (run(List.of("sh", "-c", "command -v " + tool)).exit() != 0) {
                return Optional.of(tool + " is not installed");
            }
        }
        return Optional.empty();
    }

    OverlayCluster(String name, int hosts, PortBlocks ports) throws Exception {
        NetnsLab builtLab = new NetnsLab(hosts);
        ClusterFixture fixture = null;
        try {
            Path image = TestImages.busybox().writeDockerArchive(Files.createTempFile("orch-overlay-busybox", ".tar"), "busybox:latest");
            // not the defaults: the cluster's address pool and VXLAN port must reach every node
            fixture = new ClusterFixture(name, ports).runtime("runc").beforeStart(n -> load(image, n))
                    .initFlags("--default-addr-pool", ADDRESS_POOL, "--default-addr-pool-mask-length", "24",
                            "--data-path-port", Integer.toString(DATA_PATH_PORT));
            n1 = fixture.init("n1", builtLab.containerHost(1));
            for (int i = 2; i <= hosts; i++) {
                fixture.join("n" + i, Role.MANAGER, builtLab.containerHost(i));
            }
            fixture.awaitReady(fixture.nodes(), DEADLINE);
            Files.deleteIfExists(image);
        } catch (Exception | Error e) {
            if (fixture != null) {
                fixture.close();
            }
            builtLab.close();
            throw e;
        }
        this.lab = builtLab;
        this.cluster = fixture;
    }

    private static void load(Path image, AgentNode n) {
        try {
            new ImageStore(n.dataDir.resolve("images")).load(image);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ImageException e) {
            throw new IllegalStateException("the test image does not load", e);
        }
    }

    @Override
    public void close() {
        try {
            for (String s : n1.api.serviceNames()) {
                n1.api.call("DELETE", "/services/" + s, null);
            }
            await("every task is gone").atMost(DEADLINE).until(() -> n1.api.get("/tasks").isEmpty());
        } finally {
            try {
                cluster.close();
            } finally {
                lab.close();
            }
        }
    }

    // ------------------------------------------------------------------ networks and services

    void createNetwork(String name) {
        NodeApi.Reply r = n1.api.call("POST", "/networks/create", "{\"Name\":\"" + name + "\",\"Driver\":\"overlay\"}");
        if (!r.ok()) {
            throw new AssertionError("network create " + name + ": " + r);
        }
    }

    /** A busybox service on {@code network}, placed by {@code constraint}, at most one task per node. */
    void createService(String name, int replicas, String network, String constraint, List<String> command) {
        String cmd = String.join(",", command.stream().map(c -> "\"" + c.replace("\\", "\\\\").replace("\"", "\\\"") + "\"").toList());
        String body = "{\"Name\":\"" + name + "\",\"TaskTemplate\":{\"ContainerSpec\":{\"Image\":\"busybox\",\"Command\":[" + cmd + "]},"
                + "\"Placement\":{\"Constraints\":[\"" + constraint + "\"],\"MaxReplicas\":1},"
                + "\"Networks\":[{\"Target\":\"" + network + "\"}]},"
                + "\"Mode\":{\"Replicated\":{\"Replicas\":" + replicas + "}}}";
        NodeApi.Reply r = n1.api.call("POST", "/services/create", body);
        if (!r.ok()) {
            throw new AssertionError("service create " + name + ": " + r);
        }
    }

    void scale(String service, int replicas) {
        JsonNode s = n1.api.get("/services/" + service);
        ObjectNode spec = (ObjectNode) s.path("Spec").deepCopy();
        ((ObjectNode) spec.path("Mode").path("Replicated")).put("Replicas", replicas);
        NodeApi.Reply r = n1.api.call("POST", "/services/" + service + "/update?version=" + s.path("Version").path("Index").asLong(),
                spec.toString());
        if (!r.ok()) {
            throw new AssertionError("scale " + service + ": " + r);
        }
    }

    String vipOf(String service, String network) {
        String networkId = n1.api.get("/networks/" + network).path("Id").asText();
        for (JsonNode v : n1.api.get("/services/" + service).path("Endpoint").path("VirtualIPs")) {
            if (v.path("NetworkID").asText().equals(networkId)) {
                String addr = v.path("Addr").asText();
                return addr.substring(0, addr.indexOf('/'));
            }
        }
        throw new AssertionError(service + " has no VIP on " + network);
    }

    /** A running task: where it runs, its container's pid, its addresses. */
    record Task(String id, String nodeId, long pid, JsonNode json) {
        String address(String networkName) {
            for (JsonNode a : json.path("NetworksAttachments")) {
                if (a.path("Network").path("Spec").path("Name").asText().equals(networkName)) {
                    String addr = a.path("Addresses").path(0).asText();
                    return addr.substring(0, addr.indexOf('/'));
                }
            }
            throw new AssertionError("task " + id + " has no address on " + networkName + ": " + json);
        }

        List<String> networks() {
            List<String> out = new ArrayList<>();
            for (JsonNode a : json.path("NetworksAttachments")) {
                out.add(a.path("Network").path("Spec").path("Name").asText());
            }
            return out;
        }

        /** Its hostname: by default the first 12 characters of the task id. */
        String hostname() {
            return id.substring(0, Math.min(12, id.length()));
        }
    }

    List<Task> running(String service) {
        List<Task> out = new ArrayList<>();
        for (JsonNode t : n1.api.tasksOf(service)) {
            if (t.path("Status").path("State").asText().equals("running") && t.path("DesiredState").asText().equals("running")) {
                out.add(new Task(t.path("ID").asText(), t.path("NodeID").asText(),
                        t.path("Status").path("ContainerStatus").path("PID").asLong(), t));
            }
        }
        return out;
    }

    List<Task> awaitRunning(String service, int count) {
        List<List<Task>> seen = new ArrayList<>(List.of(List.of()));
        await(count + " running task(s) of " + service).atMost(DEADLINE).until(() -> {
            seen.set(0, running(service));
            return seen.get(0).size() == count;
        });
        return seen.get(0);
    }

    String nodeName(Task t) {
        return n1.api.get("/nodes/" + t.nodeId()).path("Description").path("Hostname").asText();
    }

    AgentNode nodeOf(Task t) {
        return cluster.byName(nodeName(t));
    }

    // ------------------------------------------------------------------ inside a container

    /** The addresses busybox's nslookup (its own resolver, the container's resolv.conf) gets for {@code name}. */
    List<String> lookup(Task t, String name) {
        Exec r = run(List.of("nsenter", "-t", Long.toString(t.pid()), "-n", "-m", "/bin/busybox", "nslookup", name));
        List<String> out = new ArrayList<>();
        String answers = r.out().contains("Name:") ? r.out().substring(r.out().indexOf("Name:")) : "";
        Matcher m = ADDRESS.matcher(answers);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /**
     * The host's curl inside the container's network namespace, resolving with the container's
     * resolv.conf (bind-mounted over /etc/resolv.conf in a private mount namespace): busybox's
     * wget cannot resolve names at all (static glibc).
     */
    Exec curl(Task t, String url) {
        Path resolv = nodeOf(t).dataDir.resolve("tasks").resolve(t.id()).resolve("resolv.conf");
        return run(List.of("nsenter", "--net=/var/run/netns/orch-" + t.id(), "unshare", "--mount", "sh", "-c",
                "mount --bind " + resolv + " /etc/resolv.conf && exec curl -sS -m 3 " + url));
    }

    /** The stock docker CLI against n1's API, from inside n1's host namespace (the API is on its loopback). */
    Exec docker(String... args) {
        List<String> cmd = new ArrayList<>(List.of("nsenter", "--net=/var/run/netns/" + n1.host.netns(), "docker",
                "-H", "tcp://127.0.0.1:" + n1.apiPort()));
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    record Exec(int exit, String out) {}

    static Exec run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Exec(-1, "timed out: " + out);
            }
            return new Exec(p.exitValue(), out);
        } catch (IOException e) {
            return new Exec(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Exec(-1, "interrupted");
        }
    }
}
