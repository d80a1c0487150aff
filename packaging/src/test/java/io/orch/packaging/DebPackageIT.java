package io.orch.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The .deb as an operator gets it: its contents and control data, installed with dpkg into a
 * temporary root (maintainer scripts with DPKG_ROOT set, no systemd), the installed unit checked by
 * systemd-analyze, the INSTALLED `orch agent` started with the installed configuration (adjusted
 * to test ports and a loopback API) running a service, an upgrade over a running node keeping its
 * data and tasks, then remove (configuration and data stay) and purge (nothing stays).
 */
class DebPackageIT {
    /** listen, gossip (+1), raft (+2, the agent's choice), API (+3): a range no other test uses. */
    private static final int LISTEN = 29640;
    private static final int API = LISTEN + 3;
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String DEB_VERSION = System.getProperty("orch.version", "0.1.0-SNAPSHOT").replace('-', '~');

    @TempDir
    Path tmp;
    private DpkgRoot root;
    private Process agent;
    private Path agentLog;
    private final Set<Long> taskPids = new HashSet<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @AfterEach
    void cleanUp() throws Exception {
        stopAgent();
        taskPids.forEach(TaskProcesses::kill); // tasks outlive their agent by design
        if (root != null) {
            root.dpkg("--purge", "orch");
        }
    }

    @Test
    void theDebInstallsRunsAServiceUpgradesInPlaceAndRemovesCleanly() throws Exception {
        Assumptions.assumeTrue(DpkgRoot.onPath("dpkg-deb") && DpkgRoot.onPath("dpkg"),
                "dpkg-deb is not installed (not a Debian host): the build skips the .deb too");
        Path deb = Dist.HOME.getParent().resolve("orch_" + DEB_VERSION + "_all.deb");
        assertTrue(Files.isRegularFile(deb), deb + " was not built");
        assertTrue(Files.isRegularFile(Dist.HOME.getParent().resolve("orch-" + System.getProperty("orch.version", "0.1.0-SNAPSHOT") + ".tar.gz")));

        List<String> packageFiles = contents(deb);
        control(deb);

        root = new DpkgRoot(tmp.resolve("root"));
        DpkgRoot.Result installed = root.dpkg("-i", deb.toString());
        assertEquals(0, installed.exit(), installed.output());
        installedFilesAndModes(packageFiles);
        unitVerifies();
        Map<String, Object> config = installedConfig();

        startInstalledAgent(config);
        post("/swarm/init", "{}");
        DpkgRoot.Result created = installedCli("service", "create", "--name", "web", "--replicas", "1", "--runtime", "process",
                "busybox", "sleep", "1001");
        assertEquals(0, created.exit(), created.output());
        long task = awaitOneRunningTask();

        // upgrade over a running node: the data dir and the task stay; the agent restarted from the
        // upgraded files resumes the swarm and re-attaches the task
        Path nodeState = root.path("/var/lib/orch");
        Path nodeKey = nodeState.resolve("certificates/node.key");
        byte[] keyBefore = Files.readAllBytes(nodeKey);
        DpkgRoot.Result upgraded = root.dpkg("-i", deb.toString());
        assertEquals(0, upgraded.exit(), upgraded.output());
        assertTrue(java.util.Arrays.equals(keyBefore, Files.readAllBytes(nodeKey)), "the upgrade kept the node's state");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(nodeState)));
        stopAgent();
        assertTrue(ProcessHandle.of(task).map(ProcessHandle::isAlive).orElse(false), "the task outlives its agent");
        startInstalledAgent(config);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertEquals(task, awaitOneRunningTask(), "the same task, re-attached"));
        DpkgRoot.Result ls = installedCli("service", "ls", "--format", "json");
        assertEquals(0, ls.exit(), ls.output());
        assertEquals("web", new ObjectMapper().readTree(ls.output()).get(0).path("Spec").path("Name").asText(), ls.output());

        stopAgent();
        taskPids.forEach(TaskProcesses::kill);

        // remove: every file of the package goes; the configuration and the node's data stay
        DpkgRoot.Result removed = root.dpkg("-r", "orch");
        assertEquals(0, removed.exit(), removed.output());
        for (String file : packageFiles) {
            if (!file.equals("/etc/orch/orch.yaml")) {
                assertFalse(Files.exists(root.path(file), LinkOption.NOFOLLOW_LINKS), file + " is left after remove");
            }
        }
        assertFalse(Files.exists(root.path("/usr/lib/orch")), "nothing generated is left in /usr/lib/orch");
        assertTrue(Files.isRegularFile(root.path("/etc/orch/orch.yaml")), "remove keeps the conffile");
        assertTrue(Files.isDirectory(nodeState) && !listing(nodeState).isEmpty(), "remove keeps the data dir");

        // purge: configuration, data and group go too
        DpkgRoot.Result purged = root.dpkg("--purge", "orch");
        assertEquals(0, purged.exit(), purged.output());
        assertFalse(Files.exists(root.path("/etc/orch")), "purge removes /etc/orch");
        assertFalse(Files.exists(nodeState), "purge removes /var/lib/orch");
        assertFalse(Files.readString(root.path("/etc/group")).contains("orch:"), "purge removes the orch group");
        assertFalse(Files.exists(root.path("/etc/systemd/system/multi-user.target.wants/orch.service"), LinkOption.NOFOLLOW_LINKS));
    }

    /** `dpkg-deb -c`: the layout; returns the package's non-directory paths. */
    private static List<String> contents(Path deb) throws Exception {
        DpkgRoot.Result c = DpkgRoot.run(List.of("dpkg-deb", "-c", deb.toString()));
        assertEquals(0, c.exit(), c.output());
        List<String> files = new ArrayList<>();
        for (String line : c.output().split("\n")) {
            if (!line.startsWith("d") && line.contains(" ./")) {
                String path = line.substring(line.indexOf(" ./") + 2);
                files.add(path.contains(" -> ") ? path.substring(0, path.indexOf(" -> ")) : path);
            }
        }
        String listing = c.output();
        assertTrue(listing.contains("./usr/bin/orch -> ../lib/orch/bin/orch"), listing);
        assertTrue(listing.matches("(?s).*-rwxr-xr-x root/root .* \\./usr/lib/orch/bin/orch\n.*"), listing);
        for (String f : List.of("/usr/lib/orch/lib/cli.classpath", "/lib/systemd/system/orch.service", "/etc/orch/orch.yaml",
                "/usr/share/bash-completion/completions/orch", "/usr/share/zsh/vendor-completions/_orch",
                "/usr/share/man/man1/orch.1.gz", "/usr/share/man/man1/orch-agent.1.gz", "/usr/share/man/man1/orch-service-ls.1.gz")) {
            assertTrue(files.contains(f), f + " is not in the package:\n" + listing);
        }
        assertTrue(files.stream().anyMatch(f -> f.matches("/usr/lib/orch/lib/orch-agent-.*\\.jar")), listing);
        assertFalse(listing.contains("orch-cli.jsa"), "the AppCDS archive is made on the installed system, not shipped");
        return files;
    }

    /** `dpkg-deb -I` and `-f`: version, dependencies, conffile, maintainer scripts. */
    private static void control(Path deb) throws Exception {
        DpkgRoot.Result info = DpkgRoot.run(List.of("dpkg-deb", "-I", deb.toString()));
        assertEquals(0, info.exit(), info.output());
        for (String script : List.of("postinst", "prerm", "postrm", "conffiles", "triggers")) {
            assertTrue(info.output().contains(" " + script), script + " missing:\n" + info.output());
        }
        assertEquals(DEB_VERSION, field(deb, "Version"));
        assertEquals("all", field(deb, "Architecture"));
        assertEquals("openjdk-17-jre-headless | java17-runtime-headless, runc, iproute2, nftables", field(deb, "Depends"));
        assertEquals("conntrack, tini", field(deb, "Recommends"));
        DpkgRoot.Result conffiles = DpkgRoot.run(List.of("dpkg-deb", "--info", deb.toString(), "conffiles"));
        assertEquals("/etc/orch/orch.yaml", conffiles.output().strip());
    }

    private static String field(Path deb, String name) throws Exception {
        return DpkgRoot.run(List.of("dpkg-deb", "-f", deb.toString(), name)).output().strip();
    }

    private void installedFilesAndModes(List<String> packageFiles) throws IOException {
        for (String f : packageFiles) {
            assertTrue(Files.exists(root.path(f), LinkOption.NOFOLLOW_LINKS), f + " not installed");
        }
        assertTrue(Files.isExecutable(root.path("/usr/bin/orch")), "/usr/bin/orch leads to the launcher");
        assertEquals("rwxr-xr-x", perms(root.path("/usr/lib/orch/bin/orch")));
        assertEquals("rw-r--r--", perms(root.path("/etc/orch/orch.yaml")));
        assertEquals("rwx------", perms(root.path("/var/lib/orch")), "the data dir is private");
        assertTrue(Files.readString(root.path("/etc/group")).contains("\norch:x:"), "postinst made the orch group");
        Path wants = root.path("/etc/systemd/system/multi-user.target.wants/orch.service");
        if (DpkgRoot.onPath("systemctl")) {
            assertTrue(Files.isSymbolicLink(wants), "postinst enabled orch.service");
        }
        try (Stream<String> man = Files.lines(root.path("/usr/share/bash-completion/completions/orch"))) {
            assertTrue(man.anyMatch(l -> l.contains("_complete_orch")), "bash completion for orch");
        }
        assertTrue(Files.readString(root.path("/usr/share/zsh/vendor-completions/_orch")).startsWith("#compdef orch\n"));
    }

    private static String perms(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    /** The unit's settings, and systemd-analyze's verdict on a copy run from inside the root. */
    private void unitVerifies() throws Exception {
        String unit = Files.readString(root.path("/lib/systemd/system/orch.service"));
        for (String setting : List.of("ExecStart=/usr/bin/orch agent\n", "KillMode=process\n", "Restart=on-failure\n",
                "LimitNOFILE=1048576\n", "Delegate=yes\n", "TasksMax=infinity\n", "After=network-online.target",
                "Wants=network-online.target\n", "WantedBy=multi-user.target\n")) {
            assertTrue(unit.contains(setting), setting.strip() + " missing from the unit:\n" + unit);
        }
        if (!DpkgRoot.onPath("systemd-analyze")) {
            return; // nothing to verify it with on this host
        }
        // the binaries and man pages it names are inside the root, not on this host
        Path copy = tmp.resolve("unit/orch.service");
        Files.createDirectories(copy.getParent());
        Files.writeString(copy, unit.replace("ExecStart=/usr/bin/orch", "ExecStart=" + root.path("/usr/bin/orch")));
        ProcessBuilder pb = new ProcessBuilder("systemd-analyze", "verify", copy.toString()).redirectErrorStream(true);
        pb.environment().put("MANPATH", root.path("/usr/share/man").toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), "systemd-analyze verify: " + out);
    }

    /** The conffile parses, and names the defaults the unit relies on. */
    private Map<String, Object> installedConfig() throws IOException {
        @SuppressWarnings("unchecked")
        Map<String, Object> config = YAML.readValue(root.path("/etc/orch/orch.yaml").toFile(), Map.class);
        assertEquals("/var/lib/orch", config.get("data-dir"));
        assertEquals("/run/orch/orch.sock", config.get("api-socket"));
        return config;
    }

    /**
     * The installed `orch agent` (the host's java), with the installed settings moved into the root
     * and onto test ports: through `--config` when the agent reads a configuration file, else as
     * the same settings given as flags.
     */
    private void startInstalledAgent(Map<String, Object> installed) throws Exception {
        Map<String, Object> settings = new LinkedHashMap<>(installed);
        settings.put("data-dir", root.path((String) installed.get("data-dir")).toString());
        settings.put("api-socket", root.path((String) installed.get("api-socket")).toString());
        settings.put("listen-addr", "127.0.0.1:" + LISTEN);
        settings.put("gossip-addr", "127.0.0.1:" + (LISTEN + 1));
        settings.put("api-addr", "127.0.0.1:" + API);
        settings.put("runtime", "process");
        settings.put("hostname", "deb-it");
        List<String> cmd = new ArrayList<>(List.of(root.path("/usr/bin/orch").toString(), "agent"));
        if (installedCli("agent", "--help").output().contains("--config")) {
            Path file = tmp.resolve("orch-test.yaml");
            YAML.writeValue(file.toFile(), settings);
            cmd.addAll(List.of("--config", file.toString()));
        } else {
            settings.forEach((key, value) -> cmd.addAll(List.of("--" + key, String.valueOf(value))));
        }
        agentLog = tmp.resolve("agent.log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(agentLog.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("ORCH_AGENT_JAVA_OPTS", "-Xms32m -Xmx256m -XX:+UseSerialGC");
        agent = pb.start();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (!agent.isAlive()) {
                throw new AssertionError("installed agent exited with " + agent.exitValue() + ":\n" + Files.readString(agentLog));
            }
            return ping();
        });
    }

    private void stopAgent() throws InterruptedException {
        if (agent != null && agent.isAlive()) {
            agent.destroy();
            if (!agent.waitFor(30, TimeUnit.SECONDS)) {
                agent.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** The INSTALLED CLI, against the test agent's loopback API. */
    private DpkgRoot.Result installedCli(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(root.path("/usr/bin/orch").toString(), "-H", "tcp://127.0.0.1:" + API));
        cmd.addAll(List.of(args));
        return DpkgRoot.run(cmd);
    }

    /** The PID of the service's one running task (waits for it). */
    private long awaitOneRunningTask() throws Exception {
        long[] pid = new long[1];
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            List<Long> running = new ArrayList<>();
            for (JsonNode t : get("/tasks")) {
                long p = t.path("Status").path("ContainerStatus").path("PID").asLong();
                if (p > 1) {
                    taskPids.add(p);
                }
                if (t.path("Status").path("State").asText().equals("running") && t.path("DesiredState").asText().equals("running")) {
                    running.add(p);
                }
            }
            assertEquals(1, running.size(), "running tasks");
            pid[0] = running.get(0);
        });
        return pid[0];
    }

    private boolean ping() {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + API + "/_ping")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + API + "/v1.47" + path))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), path + ": " + r.body());
        return new ObjectMapper().readTree(r.body());
    }

    private void post(String path, String body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + API + "/v1.47" + path))
                .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), "POST " + path + ": " + r.body());
    }

    private static Set<String> listing(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.map(p -> dir.relativize(p).toString()).collect(java.util.stream.Collectors.toSet());
        }
    }
}
