package io.orch.cli.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.orch.cli.testing.CliRun;
import io.orch.cli.testing.FakeAgent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad input is a usage error: exit 2, exactly one stderr line naming the problem, no request sent. */
class BadInputTest {
    private static FakeAgent agent;

    @BeforeAll
    static void start() throws IOException {
        agent = new FakeAgent();
    }

    @AfterAll
    static void stop() throws IOException {
        agent.close();
    }

    @BeforeEach
    void forget() {
        agent.requests().clear();
    }

    static Stream<Arguments> badInputs() {
        return Stream.of(
                bad("invalid argument \"-1\" for \"--replicas\": must be a non-negative integer", "service", "create", "--replicas", "-1", "busybox"),
                bad("invalid argument \"abc\" for \"--replicas\"", "service", "create", "--replicas", "abc", "busybox"),
                bad("invalid argument \"12xb\" for \"--limit-memory\": invalid size", "service", "create", "--limit-memory", "12xb", "busybox"),
                bad("invalid argument \"lots\" for \"--reserve-memory\": invalid size", "service", "create", "--reserve-memory", "lots", "busybox"),
                bad("invalid argument \"x\" for \"--limit-cpu\": invalid CPU count", "service", "create", "--limit-cpu", "x", "busybox"),
                bad("invalid argument \"-1\" for \"--reserve-cpu\"", "service", "create", "--reserve-cpu", "-1", "busybox"),
                bad("invalid argument \"-3\" for \"--limit-pids\"", "service", "create", "--limit-pids", "-3", "busybox"),
                bad("invalid argument \"10\" for \"--restart-delay\": invalid duration: missing unit", "service", "create", "--restart-delay", "10", "busybox"),
                bad("invalid argument \"5y\" for \"--stop-grace-period\"", "service", "create", "--stop-grace-period", "5y", "busybox"),
                bad("invalid argument \"abc\" for \"--restart-window\"", "service", "create", "--restart-window", "abc", "busybox"),
                bad("invalid argument \"-1\" for \"--restart-max-attempts\"", "service", "create", "--restart-max-attempts", "-1", "busybox"),
                bad("invalid argument \"sometimes\" for \"--restart-condition\": invalid restart condition", "service", "create", "--restart-condition", "sometimes", "busybox"),
                bad("invalid argument \"daemon\" for \"--mode\": invalid mode", "service", "create", "--mode", "daemon", "busybox"),
                bad("invalid argument for \"--replicas\": replicas can only be used with replicated or replicated-job mode", "service", "create", "--mode", "global", "--replicas", "2", "busybox"),
                bad("invalid argument \"kvm\" for \"--runtime\"", "service", "create", "--runtime", "kvm", "busybox"),
                bad("invalid argument \"80:abc\" for \"--publish\": invalid target port", "service", "create", "-p", "80:abc", "busybox"),
                bad("invalid argument \"published=8080\" for \"--publish\": invalid publish spec: missing target port", "service", "create", "--publish", "published=8080", "busybox"),
                bad("invalid argument \"8080:80/xyz\" for \"--publish\": invalid protocol", "service", "create", "-p", "8080:80/xyz", "busybox"),
                bad("invalid argument \"zone\" for \"--placement-pref\"", "service", "create", "--placement-pref", "zone", "busybox"),
                bad("invalid argument \"-2\" for \"--replicas-max-per-node\"", "service", "create", "--replicas-max-per-node", "-2", "busybox"),
                bad("unknown flag: --colour", "service", "create", "--colour", "red", "busybox"),
                bad("invalid argument \"type=bind,source=/a\" for \"--mount\": target is required", "service", "create", "--mount", "type=bind,source=/a", "busybox"),
                bad("invalid argument \"type=bind,target=/a,volume-nocopy\" for \"--mount\": cannot mix 'volume-*' options with mount type 'bind'",
                        "service", "create", "--mount", "type=bind,target=/a,volume-nocopy", "busybox"),
                bad("invalid argument \"type=tmpfs,target=/t,tmpfs-mode=999\" for \"--mount\": invalid tmpfs-mode", "service", "create", "--mount", "type=tmpfs,target=/t,tmpfs-mode=999", "busybox"),
                bad("invalid argument \"target=/a,color=red\" for \"--mount\": unexpected key 'color'", "service", "create", "--mount", "target=/a,color=red", "busybox"),
                bad("invalid argument \"nofile=20:10\" for \"--ulimit\": ulimit soft limit must be less than or equal to hard limit", "service", "create", "--ulimit", "nofile=20:10", "busybox"),
                bad("invalid argument \"nofiles=1\" for \"--ulimit\": invalid ulimit type: nofiles", "service", "create", "--ulimit", "nofiles=1", "busybox"),
                bad("invalid argument \"source=s,mode=9\" for \"--secret\": invalid mode specified: 9", "service", "create", "--secret", "source=s,mode=9", "busybox"),
                bad("invalid argument \"target=/x\" for \"--config\": source is required", "service", "create", "--config", "target=/x", "busybox"),
                bad("invalid argument \"db\" for \"--host\": bad format for add-host", "service", "create", "--host", "db", "busybox"),
                bad("invalid argument \"gpu\" for \"--generic-resource\"", "service", "create", "--generic-resource", "gpu", "busybox"),
                bad("invalid argument \"net.ipv4.ip_forward\" for \"--sysctl\": expected KEY=VALUE", "service", "create", "--sysctl", "net.ipv4.ip_forward", "busybox"),
                bad("invalid argument \"2000\" for \"--oom-score-adj\"", "service", "create", "--oom-score-adj", "2000", "busybox"),
                bad("invalid argument \"vm\" for \"--isolation\"", "service", "create", "--isolation", "vm", "busybox"),
                bad("invalid argument \"spec.json\" for \"--credential-spec\"", "service", "create", "--credential-spec", "spec.json", "busybox"),
                bad("invalid argument for \"--log-opt\": --log-opt needs --log-driver", "service", "create", "--log-opt", "max-size=1m", "busybox"),
                bad("invalid argument for \"--max-concurrent\": max-concurrent can only be used with replicated-job mode", "service", "create", "--max-concurrent", "2", "busybox"),
                bad("invalid argument for \"--replicas\": replicas can only be used with replicated or replicated-job mode", "service", "create", "--mode", "global-job", "--replicas", "2", "busybox"),
                bad("invalid argument for \"--env-file\": cannot read env file", "service", "create", "--env-file", "/nonexistent/env", "busybox"),
                bad("invalid argument \"fish\" for \"SHELL\"", "completion", "fish"),
                bad("Missing required parameter: 'IMAGE'", "service", "create", "--name", "web"),
                bad("invalid replicas value '-1' in 'web=-1'", "service", "scale", "web=-1"),
                bad("invalid replicas value 'abc' in 'web=abc'", "service", "scale", "web=abc"),
                bad("invalid scale specifier 'web'", "service", "scale", "web"),
                bad("invalid scale specifier '=3'", "service", "scale", "=3"),
                bad("invalid replicas value 'x' in 'db=x'", "service", "scale", "web=3", "db=x"),
                bad("invalid argument \"name\" for \"--filter\": bad format of filter (expected name=value)", "service", "ls", "--filter", "name"),
                bad("invalid argument \"yaml\" for \"--format\": unsupported format", "service", "ls", "--format", "yaml"),
                bad("invalid argument \"{{.ID}}\" for \"--format\"", "node", "ls", "--format", "{{.ID}}"),
                bad("invalid argument \"table\" for \"--format\"", "node", "inspect", "--format", "table", "n1"),
                bad("Missing required parameter: 'SERVICE'", "service", "ps"),
                bad("Missing required parameter: 'SERVICE'", "service", "rm"),
                bad("unknown flag: --bogus", "service", "ls", "--bogus"),
                bad("unknown command \"nothing\" for \"orch\"", "nothing"));
    }

    private static Arguments bad(String expectedStart, String... args) {
        return Arguments.of(String.join(" ", args), expectedStart, args);
    }

    @ParameterizedTest(name = "orch {0}")
    @MethodSource("badInputs")
    void exitsTwoWithOneLineAndSendsNothing(String commandLine, String expectedStart, String[] args) {
        List<String> withHost = new ArrayList<>(List.of("-H", agent.url()));
        withHost.addAll(List.of(args));
        CliRun r = CliRun.run(withHost.toArray(String[]::new));
        assertEquals(2, r.exitCode(), r.toString());
        assertEquals(1, r.errLines().size(), r.toString());
        assertTrue(r.errLines().get(0).startsWith("Error: " + expectedStart), r.errLines().get(0));
        assertEquals(List.of(), agent.requests());
        assertEquals("", r.out());
    }

    @Test
    void aMalformedHostIsAUsageErrorNamingWhereItCameFrom() {
        CliRun r = CliRun.run(Map.of("ORCH_HOST", "http://localhost:2375"), "service", "ls");
        assertEquals(2, r.exitCode());
        assertEquals(List.of("Error: invalid host \"http://localhost:2375\": expected unix:///path, tcp://host:port or host:port (from ORCH_HOST)"), r.errLines());
    }
}
