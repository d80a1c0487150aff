package io.orch.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The API over TCP with TLS, reached from another host: an agent started as root with
 * {@code --api-addr HOST:2376 --tlsverify} (serving its own node certificate, trusting the
 * cluster's API client certificates) on the host end of a veth pair; the stock docker CLI runs in
 * a network namespace ("client") at the other end. With a certificate from {@code orch cert
 * issue} it lists and creates services (also through a docker context); without a client
 * certificate, with one of a foreign CA, with the cluster's own node certificate, and over plain
 * HTTP it is refused. The unix socket answers alongside. Plain HTTP on a non-loopback address
 * is refused at start.
 */
class TlsApiIT {
    private static final String NETNS = "orch-tls-client";
    private static final String HOST_VETH = "orchtls0";
    private static final String NS_VETH = "orchtls1";
    private static final String HOST_IP = "10.250.77.1";
    private static final String CLIENT_IP = "10.250.77.2";
    private static final int LISTEN_PORT = 26610;
    private static final String TLS_HOST = "tcp://" + HOST_IP + ":2376";

    private static Path tmp;
    private static Path dataDir;
    private static Path socket;
    private static Path log;
    private static Process agent;

    @BeforeAll
    static void startAgentOnTheHostEndOfAVeth() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root (network namespaces, runc-free process runtime as root)");
        assumeTrue(onPath("docker") && onPath("openssl") && onPath("nsenter"), "needs docker, openssl and nsenter");
        tmp = Files.createTempDirectory("orch-tls-api");
        dataDir = tmp.resolve("data");
        socket = tmp.resolve("orch.sock");
        log = tmp.resolve("agent.log");
        cleanNetwork();
        sh("ip", "netns", "add", NETNS);
        sh("ip", "link", "add", HOST_VETH, "type", "veth", "peer", "name", NS_VETH);
        sh("ip", "link", "set", NS_VETH, "netns", NETNS);
        sh("ip", "addr", "add", HOST_IP + "/30", "dev", HOST_VETH);
        sh("ip", "link", "set", HOST_VETH, "up");
        sh("ip", "netns", "exec", NETNS, "ip", "addr", "add", CLIENT_IP + "/30", "dev", NS_VETH);
        sh("ip", "netns", "exec", NETNS, "ip", "link", "set", NS_VETH, "up");
        sh("ip", "netns", "exec", NETNS, "ip", "link", "set", "lo", "up");

        agent = new ProcessBuilder(Dist.BIN.toString(), "init", "--data-dir", dataDir.toString(),
                "--listen-addr", HOST_IP + ":" + LISTEN_PORT, "--gossip-addr", HOST_IP + ":" + (LISTEN_PORT + 1),
                "--advertise-addr", HOST_IP, "--api-socket", socket.toString(),
                "--api-addr", HOST_IP + ":2376", "--tlsverify", "--runtime", "process")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        await("the agent answers on its unix socket").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    if (!agent.isAlive()) {
                        throw new AssertionError("agent exited with " + agent.exitValue() + ":\n" + Files.readString(log));
                    }
                    return Dist.run("-H", "unix://" + socket, "node", "ls").exit() == 0;
                });
    }

    @AfterAll
    static void stopAndClean() throws Exception {
        try {
            if (agent != null && agent.isAlive()) {
                for (long pid : taskPids()) {
                    TaskProcesses.kill(pid);
                }
                agent.destroy();
                if (!agent.waitFor(30, TimeUnit.SECONDS)) {
                    agent.destroyForcibly();
                }
            }
        } finally {
            cleanNetwork();
            deleteTree(tmp);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Test
    void dockerWithAClientCertificateDrivesTheClusterAndEveryOtherClientIsRefused() throws Exception {
        // plain HTTP on a non-loopback address is refused at start, with one line
        Dist.Result plain = Dist.run("init", "--data-dir", tmp.resolve("plain").toString(), "--api-addr", HOST_IP + ":2375");
        assertNotEquals(0, plain.exit(), plain.toString());
        assertTrue(plain.err().contains("plain HTTP is only allowed on a loopback address"), plain.toString());

        Path certs = tmp.resolve("client/alice");
        Dist.Result issued = Dist.run("-H", "unix://" + socket, "cert", "issue", "--client", "alice", "--out", certs.toString());
        assertEquals(0, issued.exit(), issued.toString());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(certs)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(certs.resolve("key.pem"))));
        X509Certificate client = certificate(certs.resolve("cert.pem"));
        assertTrue(client.getSubjectX500Principal().getName().contains("CN=alice"), client.getSubjectX500Principal().getName());
        assertEquals(List.of("1.3.6.1.5.5.7.3.2"), client.getExtendedKeyUsage(), "clientAuth only");
        Dist.Result badName = Dist.run("-H", "unix://" + socket, "cert", "issue", "--client", "../x", "--out", tmp.resolve("bad").toString());
        assertNotEquals(0, badName.exit(), badName.toString());
        assertTrue(!Files.exists(tmp.resolve("bad")), "nothing written for a refused name");

        List<String> tls = List.of("--tlsverify", "--tlscacert", certs.resolve("ca.pem").toString(),
                "--tlscert", certs.resolve("cert.pem").toString(), "--tlskey", certs.resolve("key.pem").toString());
        Result ls = dockerFromClient(tls, "service", "ls");
        assertEquals(0, ls.exit(), ls.out());
        Result create = dockerFromClient(tls, "service", "create", "--detach", "--no-resolve-image", "--name", "web",
                "--replicas", "1", "busybox", "sleep", "1007");
        assertEquals(0, create.exit(), create.out());
        await("the service created over TLS runs").atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            Result again = dockerFromClient(tls, "service", "ls");
            assertTrue(again.out().lines().anyMatch(l -> l.contains(" web ") && l.contains("1/1")), again.out());
        });

        // a docker context with the same files
        Result context = dockerFromClient(List.of(), "context", "create", "orch-tls", "--docker",
                "host=" + TLS_HOST + ",ca=" + certs.resolve("ca.pem") + ",cert=" + certs.resolve("cert.pem")
                        + ",key=" + certs.resolve("key.pem"));
        assertEquals(0, context.exit(), context.out());
        Result viaContext = dockerFromClient(List.of("--context", "orch-tls"), "service", "ls");
        assertEquals(0, viaContext.exit(), viaContext.out());
        assertTrue(viaContext.out().contains("web"), viaContext.out());

        // the orch CLI speaks the same TLS: with flags, and with docker's environment variables
        Result orchLs = orchFromClient(java.util.Map.of(), "-H", TLS_HOST, "--tlsverify",
                "--tlscacert", certs.resolve("ca.pem").toString(), "--tlscert", certs.resolve("cert.pem").toString(),
                "--tlskey", certs.resolve("key.pem").toString(), "service", "ls");
        assertEquals(0, orchLs.exit(), orchLs.out());
        assertTrue(orchLs.out().contains("web"), orchLs.out());
        Result orchEnv = orchFromClient(java.util.Map.of("DOCKER_HOST", TLS_HOST, "DOCKER_TLS_VERIFY", "1",
                "DOCKER_CERT_PATH", certs.toString()), "service", "ls");
        assertEquals(0, orchEnv.exit(), orchEnv.out());
        assertTrue(orchEnv.out().contains("web"), orchEnv.out());
        Path node0 = dataDir.resolve("certificates");
        Result orchAsNode = orchFromClient(java.util.Map.of(), "-H", TLS_HOST, "--tlsverify",
                "--tlscacert", certs.resolve("ca.pem").toString(), "--tlscert", node0.resolve("node.crt").toString(),
                "--tlskey", node0.resolve("node.key").toString(), "service", "ls");
        assertNotEquals(0, orchAsNode.exit(), "a node certificate is refused to the orch CLI too: " + orchAsNode.out());
        System.out.println("orch with a node certificate: " + orchAsNode.out().strip());

        // no client certificate: the server requires one
        Result anonymous = dockerFromClient(List.of("--tlsverify", "--tlscacert", certs.resolve("ca.pem").toString()), "service", "ls");
        assertRefusedByTls("without a client certificate", anonymous);

        // a client certificate of a foreign CA
        Path foreign = foreignClientCertificate(tmp.resolve("foreign"));
        Result foreignClient = dockerFromClient(List.of("--tlsverify", "--tlscacert", certs.resolve("ca.pem").toString(),
                "--tlscert", foreign.resolve("cert.pem").toString(), "--tlskey", foreign.resolve("key.pem").toString()), "service", "ls");
        assertRefusedByTls("with a foreign CA's certificate", foreignClient);

        // the cluster's own node certificate (what every worker holds) must not drive the API
        Path node = dataDir.resolve("certificates");
        Result nodeClient = dockerFromClient(List.of("--tlsverify", "--tlscacert", certs.resolve("ca.pem").toString(),
                "--tlscert", node.resolve("node.crt").toString(), "--tlskey", node.resolve("node.key").toString()), "service", "ls");
        assertRefusedByTls("with a node certificate of the cluster", nodeClient);

        // plain HTTP on the TLS port
        Result plainHttp = dockerFromClient(List.of("-H", TLS_HOST), "service", "ls");
        assertNotEquals(0, plainHttp.exit(), "plain HTTP is refused: " + plainHttp.out());
        System.out.println("plain HTTP: " + plainHttp.out().strip());
        assertTrue(!plainHttp.out().contains("web"), plainHttp.out());

        // the unix socket answers alongside, 0660
        assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
        Result local = docker(List.of("docker", "-H", "unix://" + socket, "service", "rm", "web"));
        assertEquals(0, local.exit(), local.out());
        await("the service's task is gone").atMost(Duration.ofSeconds(30)).until(() -> taskPids().isEmpty());
    }

    /** Refused by the server in the handshake (Go reports the server's alert as "remote error: tls: ..."). */
    private static void assertRefusedByTls(String what, Result r) {
        assertNotEquals(0, r.exit(), what + ": " + r.out());
        assertTrue(r.out().contains("remote error: tls:"), what + ", refused in the TLS handshake: " + r.out());
        assertTrue(!r.out().contains("web"), what + ": " + r.out());
        System.out.println(what + ": " + r.out().strip());
    }

    /** A CA of its own and a client certificate (clientAuth) it signed, in openssl's hands. */
    private static Path foreignClientCertificate(Path dir) throws Exception {
        Files.createDirectories(dir);
        String d = dir.toString();
        sh("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
                "-subj", "/CN=foreign-ca", "-keyout", d + "/ca.key", "-out", d + "/ca.pem");
        sh("openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-subj", "/OU=orch-client/CN=mallory", "-keyout", d + "/key.pem", "-out", d + "/req.csr");
        Files.writeString(dir.resolve("ext.cnf"), "extendedKeyUsage=clientAuth\n");
        sh("openssl", "x509", "-req", "-in", d + "/req.csr", "-CA", d + "/ca.pem", "-CAkey", d + "/ca.key",
                "-CAcreateserial", "-days", "2", "-extfile", d + "/ext.cnf", "-out", d + "/cert.pem");
        return dir;
    }

    record Result(int exit, String out) {}

    /** The docker CLI in the client namespace (only its network namespace entered), its config in a temp dir. */
    private static Result dockerFromClient(List<String> options, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("nsenter", "--net=/var/run/netns/" + NETNS, "docker"));
        cmd.addAll(options);
        if (!options.contains("-H") && !options.contains("--context") && !List.of(args).contains("context")) {
            cmd.addAll(List.of("-H", TLS_HOST));
        }
        cmd.addAll(List.of(args));
        return docker(cmd);
    }

    /** The orch CLI in the client namespace, with {@code env} added (and no ORCH_HOST/DOCKER_* of this process). */
    private static Result orchFromClient(java.util.Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("nsenter", "--net=/var/run/netns/" + NETNS, Dist.BIN.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        for (String name : List.of("ORCH_HOST", "DOCKER_HOST", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH")) {
            pb.environment().remove(name);
        }
        pb.environment().putAll(env);
        Path out = Files.createTempFile(tmp, "orch", ".out");
        Process p = pb.redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(cmd + " did not finish within 60 s");
        }
        return new Result(p.exitValue(), Files.readString(out));
    }

    private static Result docker(List<String> cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("DOCKER_CONFIG", tmp.resolve("docker-config").toString());
        pb.environment().remove("DOCKER_HOST");
        pb.environment().remove("DOCKER_TLS_VERIFY");
        pb.environment().remove("DOCKER_CERT_PATH");
        Path out = Files.createTempFile(tmp, "docker", ".out");
        Process p = pb.redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(cmd + " did not finish within 60 s");
        }
        return new Result(p.exitValue(), Files.readString(out));
    }

    /** PIDs of the tasks the agent reports (over the unix socket), to end them whatever happened. */
    private static List<Long> taskPids() throws Exception {
        Process p = new ProcessBuilder("curl", "-s", "--max-time", "10", "--unix-socket", socket.toString(), "http://localhost/v1.47/tasks")
                .redirectErrorStream(true).start();
        byte[] body = p.getInputStream().readAllBytes();
        p.waitFor(15, TimeUnit.SECONDS);
        List<Long> pids = new ArrayList<>();
        try {
            for (JsonNode t : AgentProcess.JSON.readTree(body)) {
                long pid = t.path("Status").path("ContainerStatus").path("PID").asLong();
                if (pid > 1 && !t.path("Status").path("State").asText().matches("complete|shutdown|failed")) {
                    pids.add(pid);
                }
            }
        } catch (IOException e) {
            // the agent did not answer: nothing to read
        }
        return pids;
    }

    private static X509Certificate certificate(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static void cleanNetwork() throws Exception {
        run("ip", "link", "del", HOST_VETH);
        run("ip", "netns", "del", NETNS);
    }

    private static void sh(String... cmd) throws Exception {
        int exit = run(cmd);
        if (exit != 0) {
            throw new AssertionError(String.join(" ", cmd) + " exited with " + exit);
        }
    }

    private static int run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }
}
