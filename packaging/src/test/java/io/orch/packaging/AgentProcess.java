package io.orch.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/** An `orch init` agent running as its own process on loopback ports, plus a tiny API reader. */
final class AgentProcess implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    final Path dataDir;
    final int listenPort;
    final int apiPort;
    final Path log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process process;
    private String runtime = "process";

    /** The agent's default runtime (--runtime); "process" unless a test asks for real containers. */
    AgentProcess runtime(String name) {
        this.runtime = name;
        return this;
    }

    AgentProcess(Path dataDir) throws IOException {
        this.dataDir = dataDir;
        this.listenPort = Dist.freePorts(2);
        // listen, gossip and raft (listen..listen+2) are not bound yet, so a free port may be one of them
        int api = Dist.freePorts(0);
        while (api >= listenPort && api <= listenPort + 2) {
            api = Dist.freePorts(0);
        }
        this.apiPort = api;
        this.log = dataDir.resolveSibling(dataDir.getFileName() + "-agent.log");
    }

    String host() {
        return "tcp://127.0.0.1:" + apiPort;
    }

    AgentProcess start() throws IOException {
        process = new ProcessBuilder(Dist.BIN.toString(), "init", "--data-dir", dataDir.toString(),
                "--listen-addr", "127.0.0.1:" + listenPort, "--gossip-addr", "127.0.0.1:" + (listenPort + 1),
                "--api-addr", "127.0.0.1:" + apiPort, "--runtime", runtime)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (!process.isAlive()) {
                throw new AssertionError("agent exited with " + process.exitValue() + ":\n" + Files.readString(log));
            }
            return ping();
        });
        return this;
    }

    private boolean ping() {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + "/_ping")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** SIGTERM, then wait for a clean exit. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("agent did not stop within 30 s of SIGTERM");
        }
        return process.exitValue();
    }

    long pid() {
        return process.pid();
    }

    HttpResponse<String> request(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + "/v1.47" + path))
                .timeout(Duration.ofSeconds(30));
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = request("GET", path, null);
        if (r.statusCode() != 200) {
            throw new AssertionError("GET " + path + " -> " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    JsonNode tasksOf(String service) throws IOException, InterruptedException {
        String filter = URLEncoder.encode("{\"service\":{\"" + service + "\":true}}", StandardCharsets.UTF_8);
        return get("/tasks?filters=" + filter);
    }

    /** PIDs of the service's tasks that are running and meant to run. */
    List<Long> runningPids(String service) throws IOException, InterruptedException {
        List<Long> pids = new java.util.ArrayList<>();
        for (JsonNode t : tasksOf(service)) {
            if (t.path("Status").path("State").asText().equals("running") && t.path("DesiredState").asText().equals("running")) {
                pids.add(t.path("Status").path("ContainerStatus").path("PID").asLong());
            }
        }
        return pids;
    }

    /** kill -9 of the agent process alone: its tasks keep running, as after a real crash. */
    void kill9() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
        }
    }

    /**
     * Kills the agent and every task process it reported, so no test leaves processes behind
     * (tasks deliberately outlive their agent, so ending the agent alone would leak them).
     */
    @Override
    public void close() {
        List<Long> pids = new java.util.ArrayList<>();
        if (process != null && process.isAlive()) {
            try {
                for (JsonNode t : get("/tasks")) {
                    long pid = t.path("Status").path("ContainerStatus").path("PID").asLong();
                    if (pid > 1) {
                        pids.add(pid);
                    }
                }
            } catch (Exception | AssertionError e) {
                // the API is gone: the test's own bookkeeping has to do
            }
            process.destroyForcibly();
        }
        pids.forEach(TaskProcesses::kill);
        if (runtime.equals("runc")) {
            // a removal still under way when the agent was killed leaves its mounts and namespace
            HostMounts.deleteTaskNamespaces(dataDir);
            HostMounts.unmountUnder(dataDir);
            deleteHostNatTables();
        }
    }

    /**
     * A runc agent in the host's namespace installs the routing mesh's and the outbound NAT's
     * nftables tables there; they outlive the agent by design (its tasks keep their NAT), so the
     * test removes them with the tasks.
     */
    private static void deleteHostNatTables() {
        try {
            Process list = new ProcessBuilder("nft", "list", "tables").redirectErrorStream(true).start();
            String tables = new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            list.waitFor(10, TimeUnit.SECONDS);
            for (String line : tables.split("\n")) {
                String[] words = line.trim().split(" ");
                if (words.length == 3 && words[0].equals("table") && words[1].equals("ip")
                        && (words[2].equals("orch-mesh") || words[2].startsWith("orch-out-"))) {
                    new ProcessBuilder("nft", "delete", "table", "ip", words[2]).redirectErrorStream(true)
                            .start().waitFor(10, TimeUnit.SECONDS);
                }
            }
        } catch (IOException e) {
            // no nft on this machine: nothing was installed either
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
