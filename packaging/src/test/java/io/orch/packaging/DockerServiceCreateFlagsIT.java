package io.orch.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every flag `docker service create --help` lists, through the stock docker CLI against bin/orch:
 * the value the flag sets is in `docker service inspect` at the field the docker CLI writes, or
 * (for the few orch cannot honour) the create fails with one line naming that field. The flag
 * list is read from the installed docker CLI itself, so a flag a newer CLI adds fails this test
 * until it is covered here. (Inside-the-container effects of the runc fields are checked by
 * ContainerSpecFieldsIT.)
 */
class DockerServiceCreateFlagsIT {
    @TempDir
    static Path tmp;
    private static AgentProcess agent;

    /** Flags that only steer the docker CLI itself: nothing reaches the agent's spec. */
    private static final Set<String> CLIENT_ONLY = Set.of("--detach", "--quiet", "--no-resolve-image", "--name",
            "--with-registry-auth"); // --name is every case's; registry auth travels in a header, never in inspect

    /** One case: the flag, its arguments, where the docker CLI puts it, the value expected there. */
    private record Case(String flag, List<String> args, String pointer, String expectedJson) {}

    /** One flag orch refuses: the flag, its arguments, the field the error line must name. */
    private record Refusal(String flag, List<String> args, String field) {}

    private static final List<Case> CASES = List.of(
            c("--cap-add", "/TaskTemplate/ContainerSpec/CapabilityAdd", "[\"CAP_NET_ADMIN\"]", "--cap-add", "NET_ADMIN"),
            c("--cap-drop", "/TaskTemplate/ContainerSpec/CapabilityDrop", "[\"CAP_CHOWN\"]", "--cap-drop", "CHOWN"),
            c("--config", "/TaskTemplate/ContainerSpec/Configs/0/ConfigName", "\"flags-config\"", "--config", "source=flags-config,target=/etc/c1,mode=0400"),
            c("--constraint", "/TaskTemplate/Placement/Constraints", "[\"node.role==manager\"]", "--constraint", "node.role==manager"),
            c("--container-label", "/TaskTemplate/ContainerSpec/Labels/a", "\"b\"", "--container-label", "a=b"),
            c("--dns", "/TaskTemplate/ContainerSpec/DNSConfig/Nameservers", "[\"10.9.8.7\"]", "--dns", "10.9.8.7"),
            c("--dns-option", "/TaskTemplate/ContainerSpec/DNSConfig/Options", "[\"ndots:2\"]", "--dns-option", "ndots:2"),
            c("--dns-search", "/TaskTemplate/ContainerSpec/DNSConfig/Search", "[\"example.org\"]", "--dns-search", "example.org"),
            c("--endpoint-mode", "/Spec/EndpointSpec/Mode", "\"dnsrr\"", "--endpoint-mode", "dnsrr"),
            c("--entrypoint", "/TaskTemplate/ContainerSpec/Command", "[\"sh\",\"-c\"]", "--entrypoint", "sh -c"),
            c("--env", "/TaskTemplate/ContainerSpec/Env", "[\"A=1\"]", "--env", "A=1"),
            c("--env-file", "/TaskTemplate/ContainerSpec/Env", "[\"FROM_FILE=yes\"]", "--env-file", "ENVFILE"),
            c("--group", "/TaskTemplate/ContainerSpec/Groups", "[\"1234\"]", "--group", "1234"),
            c("--health-cmd", "/TaskTemplate/ContainerSpec/Healthcheck/Test", "[\"CMD-SHELL\",\"true\"]", "--health-cmd", "true"),
            c("--health-interval", "/TaskTemplate/ContainerSpec/Healthcheck/Interval", "5000000000", "--health-interval", "5s"),
            c("--health-retries", "/TaskTemplate/ContainerSpec/Healthcheck/Retries", "4", "--health-retries", "4"),
            c("--health-start-interval", "/TaskTemplate/ContainerSpec/Healthcheck/StartInterval", "1000000000", "--health-start-interval", "1s"),
            c("--health-start-period", "/TaskTemplate/ContainerSpec/Healthcheck/StartPeriod", "2000000000", "--health-start-period", "2s"),
            c("--health-timeout", "/TaskTemplate/ContainerSpec/Healthcheck/Timeout", "3000000000", "--health-timeout", "3s"),
            c("--host", "/TaskTemplate/ContainerSpec/Hosts", "[\"10.1.2.3 db.local\"]", "--host", "db.local:10.1.2.3"),
            c("--hostname", "/TaskTemplate/ContainerSpec/Hostname", "\"h1\"", "--hostname", "h1"),
            c("--init", "/TaskTemplate/ContainerSpec/Init", "true", "--init"),
            c("--isolation", "/TaskTemplate/ContainerSpec/Isolation", "\"default\"", "--isolation", "default"),
            c("--label", "/Spec/Labels/a", "\"b\"", "--label", "a=b"),
            c("--limit-cpu", "/TaskTemplate/Resources/Limits/NanoCPUs", "500000000", "--limit-cpu", "0.5"),
            c("--limit-memory", "/TaskTemplate/Resources/Limits/MemoryBytes", "67108864", "--limit-memory", "64M"),
            c("--limit-pids", "/TaskTemplate/Resources/Limits/Pids", "100", "--limit-pids", "100"),
            c("--log-driver", "/TaskTemplate/LogDriver/Name", "\"json-file\"", "--log-driver", "json-file"),
            c("--log-opt", "/TaskTemplate/LogDriver/Options", "{\"max-file\":\"3\",\"max-size\":\"1m\"}", "--log-driver", "json-file", "--log-opt", "max-size=1m", "--log-opt", "max-file=3"),
            c("--max-concurrent", "/Spec/Mode/ReplicatedJob/MaxConcurrent", "2", "--mode", "replicated-job", "--max-concurrent", "2"),
            c("--mode", "/Spec/Mode/Global", "{}", "--mode", "global"),
            c("--mount", "/TaskTemplate/ContainerSpec/Mounts/0/TmpfsOptions/SizeBytes", "1048576", "--mount", "type=tmpfs,dst=/t,tmpfs-size=1m"),
            c("--network", "/TaskTemplate/Networks/0/Target", "NETWORK_ID", "--network", "flags-net"),
            c("--no-healthcheck", "/TaskTemplate/ContainerSpec/Healthcheck/Test", "[\"NONE\"]", "--no-healthcheck"),
            c("--oom-score-adj", "/TaskTemplate/ContainerSpec/OomScoreAdj", "100", "--oom-score-adj", "100"),
            c("--placement-pref", "/TaskTemplate/Placement/Preferences/0/Spread/SpreadDescriptor", "\"node.labels.dc\"", "--placement-pref", "spread=node.labels.dc"),
            c("--publish", "/Spec/EndpointSpec/Ports/0/PublishedPort", "18080", "--publish", "mode=host,published=18080,target=80"),
            c("--read-only", "/TaskTemplate/ContainerSpec/ReadOnly", "true", "--read-only"),
            c("--replicas", "/Spec/Mode/Replicated/Replicas", "2", "--replicas", "2"),
            c("--replicas-max-per-node", "/TaskTemplate/Placement/MaxReplicas", "1", "--replicas-max-per-node", "1"),
            c("--reserve-cpu", "/TaskTemplate/Resources/Reservations/NanoCPUs", "100000000", "--reserve-cpu", "0.1"),
            c("--reserve-memory", "/TaskTemplate/Resources/Reservations/MemoryBytes", "16777216", "--reserve-memory", "16M"),
            c("--restart-condition", "/TaskTemplate/RestartPolicy/Condition", "\"on-failure\"", "--restart-condition", "on-failure"),
            c("--restart-delay", "/TaskTemplate/RestartPolicy/Delay", "2000000000", "--restart-delay", "2s"),
            c("--restart-max-attempts", "/TaskTemplate/RestartPolicy/MaxAttempts", "3", "--restart-max-attempts", "3"),
            c("--restart-window", "/TaskTemplate/RestartPolicy/Window", "10000000000", "--restart-window", "10s"),
            c("--rollback-delay", "/Spec/RollbackConfig/Delay", "3000000000", "--rollback-delay", "3s"),
            c("--rollback-failure-action", "/Spec/RollbackConfig/FailureAction", "\"continue\"", "--rollback-failure-action", "continue"),
            c("--rollback-max-failure-ratio", "/Spec/RollbackConfig/MaxFailureRatio", "0.5", "--rollback-max-failure-ratio", "0.5"),
            c("--rollback-monitor", "/Spec/RollbackConfig/Monitor", "4000000000", "--rollback-monitor", "4s"),
            c("--rollback-order", "/Spec/RollbackConfig/Order", "\"start-first\"", "--rollback-order", "start-first"),
            c("--rollback-parallelism", "/Spec/RollbackConfig/Parallelism", "2", "--rollback-parallelism", "2"),
            c("--secret", "/TaskTemplate/ContainerSpec/Secrets/0/File/Mode", "256", "--secret", "source=flags-secret,target=s1,uid=5,gid=6,mode=0400"),
            c("--stop-grace-period", "/TaskTemplate/ContainerSpec/StopGracePeriod", "5000000000", "--stop-grace-period", "5s"),
            c("--stop-signal", "/TaskTemplate/ContainerSpec/StopSignal", "\"SIGINT\"", "--stop-signal", "SIGINT"),
            c("--sysctl", "/TaskTemplate/ContainerSpec/Sysctls", "{\"net.ipv4.ip_forward\":\"1\"}", "--sysctl", "net.ipv4.ip_forward=1"),
            c("--tty", "/TaskTemplate/ContainerSpec/TTY", "true", "--tty"),
            c("--ulimit", "/TaskTemplate/ContainerSpec/Ulimits/0", "{\"Name\":\"nofile\",\"Hard\":200,\"Soft\":100}", "--ulimit", "nofile=100:200"),
            c("--update-delay", "/Spec/UpdateConfig/Delay", "3000000000", "--update-delay", "3s"),
            c("--update-failure-action", "/Spec/UpdateConfig/FailureAction", "\"rollback\"", "--update-failure-action", "rollback"),
            c("--update-max-failure-ratio", "/Spec/UpdateConfig/MaxFailureRatio", "0.25", "--update-max-failure-ratio", "0.25"),
            c("--update-monitor", "/Spec/UpdateConfig/Monitor", "4000000000", "--update-monitor", "4s"),
            c("--update-order", "/Spec/UpdateConfig/Order", "\"start-first\"", "--update-order", "start-first"),
            c("--update-parallelism", "/Spec/UpdateConfig/Parallelism", "3", "--update-parallelism", "3"),
            c("--user", "/TaskTemplate/ContainerSpec/User", "\"1000:1000\"", "--user", "1000:1000"),
            c("--workdir", "/TaskTemplate/ContainerSpec/Dir", "\"/tmp\"", "--workdir", "/tmp"));

    /**
     * What orch refuses, and why (each reason is also in docs/docker-compatibility.md):
     * --credential-spec is Windows' gMSA; --generic-resource needs nodes that advertise generic
     * resources (orch's do not, so the task could never be placed).
     */
    private static final List<Refusal> REFUSED = List.of(
            new Refusal("--credential-spec", List.of("--credential-spec", "registry://gmsa"), "CredentialSpec"),
            new Refusal("--generic-resource", List.of("--generic-resource", "gpu=1"), "GenericResources"));

    private static Case c(String flag, String pointer, String expected, String... args) {
        return new Case(flag, List.of(args), pointer, expected);
    }

    @BeforeAll
    static void startAgent() throws Exception {
        assumeTrue(dockerInstalled(), "the docker CLI is not installed (.ci/run installs docker.io)");
        agent = new AgentProcess(tmp.resolve("data")).start();
        Files.writeString(tmp.resolve("env"), "FROM_FILE=yes\n");
        Path payload = Files.writeString(tmp.resolve("payload"), "not-a-secret-value-in-this-test\n");
        docker(0, "secret", "create", "flags-secret", payload.toString());
        docker(0, "config", "create", "flags-config", payload.toString());
        docker(0, "network", "create", "--driver", "overlay", "flags-net");
    }

    @AfterAll
    static void stopAgent() {
        if (agent != null) {
            agent.close();
        }
    }

    @Test
    void everyFlagOfDockerServiceCreateIsCoveredHere() throws Exception {
        Set<String> listed = new LinkedHashSet<>();
        Matcher m = Pattern.compile("(?m)^\\s+(?:-\\w, )?(--[a-z0-9-]+)").matcher(docker(0, "service", "create", "--help"));
        while (m.find()) {
            listed.add(m.group(1));
        }
        assertTrue(listed.size() > 60, "parsed the help: " + listed);
        Set<String> covered = new LinkedHashSet<>(CLIENT_ONLY);
        CASES.forEach(k -> covered.add(k.flag()));
        REFUSED.forEach(r -> covered.add(r.flag()));
        listed.removeAll(covered);
        assertEquals(Set.of(), listed, "flags of `docker service create` this test does not check");
    }

    @Test
    void everyAcceptedFlagIsInServiceInspectWhereDockerPutsIt() throws Exception {
        String networkId = docker(0, "network", "inspect", "--format", "{{.Id}}", "flags-net").trim();
        List<String> wrong = new ArrayList<>();
        int n = 0;
        for (Case k : CASES) {
            String name = "flag" + n++;
            List<String> cmd = new ArrayList<>(List.of("service", "create", "--detach", "--name", name));
            k.args().forEach(a -> cmd.add(a.equals("ENVFILE") ? tmp.resolve("env").toString() : a));
            if (!k.args().contains("--mode") && !k.args().contains("--replicas")) {
                cmd.addAll(List.of("--replicas", "0")); // the spec is what is checked: no task needs to run
            }
            cmd.addAll(List.of("busybox", "sleep", "600"));
            Run created = dockerRun(cmd.toArray(String[]::new));
            if (created.exit() != 0) {
                wrong.add(k.flag() + ": create failed: " + created.out().strip());
                continue;
            }
            JsonNode spec = AgentProcess.JSON.readTree(docker(0, "service", "inspect", name)).get(0).path("Spec");
            // the table names the spec's own fields /Spec/...; TaskTemplate's as the docker CLI's users know them
            String pointer = k.pointer().startsWith("/Spec/") ? k.pointer().substring("/Spec".length()) : k.pointer();
            JsonNode actual = spec.at(pointer);
            JsonNode expected = k.expectedJson().equals("NETWORK_ID") ? AgentProcess.JSON.getNodeFactory().textNode(networkId)
                    : AgentProcess.JSON.readTree(k.expectedJson());
            if (!sameJson(expected, actual)) {
                wrong.add(k.flag() + ": " + k.pointer() + " is " + actual + ", expected " + expected);
            }
            docker(0, "service", "rm", name);
        }
        assertEquals(List.of(), wrong, "flags whose value is not where docker puts it");
    }

    @Test
    void theFlagsOrchCannotHonourAreRefusedNamingTheField() throws Exception {
        for (Refusal r : REFUSED) {
            List<String> cmd = new ArrayList<>(List.of("service", "create", "--detach", "--name", "refused"));
            cmd.addAll(r.args());
            cmd.addAll(List.of("busybox", "sleep", "600"));
            Run run = dockerRun(cmd.toArray(String[]::new));
            assertTrue(run.exit() != 0, r.flag() + " must be refused: " + run.out());
            assertTrue(run.out().contains(r.field()), r.flag() + ": the error names " + r.field() + ": " + run.out());
            assertEquals(1, run.out().strip().lines().count(), "one line: " + run.out());
        }
        assertEquals("", docker(0, "service", "ls", "-q", "--filter", "name=refused").strip(), "a refused create changes nothing");
    }

    /** Numbers compare by value (0.5 vs 0.50), objects by their fields in any order. */
    private static boolean sameJson(JsonNode expected, JsonNode actual) {
        if (expected.isNumber() && actual.isNumber()) {
            return expected.decimalValue().compareTo(actual.decimalValue()) == 0;
        }
        return expected.equals(actual);
    }

    private record Run(int exit, String out) {}

    private static String docker(int expectedExit, String... args) throws Exception {
        Run r = dockerRun(args);
        assertEquals(expectedExit, r.exit(), "docker " + List.of(args) + ": " + r.out());
        return r.out();
    }

    private static Run dockerRun(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("docker"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("DOCKER_HOST", agent.host());
        Path out = Files.createTempFile(tmp, "docker", ".out");
        Process p = pb.redirectOutput(out.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "docker " + List.of(args) + " finished");
        return new Run(p.exitValue(), Files.readString(out));
    }

    private static boolean dockerInstalled() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, "docker"))) {
                return true;
            }
        }
        return false;
    }
}
