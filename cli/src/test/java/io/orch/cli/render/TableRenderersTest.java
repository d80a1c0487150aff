package io.orch.cli.render;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.orch.cli.testing.CliRun;
import io.orch.cli.testing.Fixtures;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The tables for canned API JSON, column for column as docker prints them. */
class TableRenderersTest {
    private static final Map<String, String> SERVICES = Map.of("w6pjkkknglqnips5us8l4b7o8", "web");
    private static final Map<String, String> NODES = Map.of("n0de1selfid0000000000000a", "host1", "n0de2worker00000000000000", "host2");

    @Test
    void serviceLsShowsModeReplicasImageWithoutDigestAndIngressPorts() {
        String expected = String.join("\n",
                "ID             NAME      MODE         REPLICAS               IMAGE            PORTS",
                "w6pjkkknglqn   web       replicated   2/3                    busybox:latest   *:8080->80/tcp, *:5353->53/udp",
                "ydejq76dqsm6   db        global       2/2                    redis:7",
                "abcdefabcdef   capped    replicated   4/4 (max 2 per node)   nginx:alpine",
                "");
        assertEquals(expected, ServiceTableRenderer.render(Fixtures.json("services.json")));
    }

    @Test
    void nodeLsMarksTheSelfNodeAndTitlesTheStates() {
        String expected = String.join("\n",
                "ID                            HOSTNAME   STATUS    AVAILABILITY   MANAGER STATUS   ENGINE VERSION",
                "n0de1selfid0000000000000a *   host1      Ready     Active         Leader           0.1.0",
                "n0de2worker00000000000000     host2      Ready     Drain          Unreachable      0.1.0",
                "n0de3down0000000000000000     host3      Down      Active                          0.1.0",
                "");
        assertEquals(expected, NodeTableRenderer.render(Fixtures.json("nodes.json"), "n0de1selfid0000000000000a"));
    }

    @Test
    void servicePsGroupsBySlotNewestFirstWithHistoryRowsAndTruncatedErrors() {
        List<TaskTableRenderer.Row> rows = TaskTableRenderer.rows(Fixtures.json("tasks_web.json"), SERVICES, NODES);
        String expected = String.join("\n",
                "ID             NAME        IMAGE            NODE      DESIRED STATE   CURRENT STATE                ERROR                              PORTS",
                "3iqzr6rlahkj   web.1       busybox:latest   host1     Running         Running 4 seconds ago",
                "qbdwme4zhf4j    \\_ web.1   busybox:latest   host1     Shutdown        Failed 2 minutes ago         \"task: non-zero exit (137)\"",
                "0icw2k1lqmlz   web.2       busybox:latest   host2     Running         Running 2 hours ago                                             *:8443->443/tcp",
                "5ag74h04w8pu   web.3       busybox:latest             Running         Pending about a minute ago   \"no suitable node (insufficien…\"",
                "");
        assertEquals(expected, TaskTableRenderer.render(rows, CliRun.NOW, false));
    }

    @Test
    void servicePsNoTruncKeepsFullIdsImagesAndErrors() {
        List<TaskTableRenderer.Row> rows = TaskTableRenderer.rows(Fixtures.json("tasks_web.json"), SERVICES, NODES);
        String out = TaskTableRenderer.render(rows, CliRun.NOW, true);
        String last = out.split("\n")[4];
        assertEquals(true, last.startsWith("5ag74h04w8pu94h7s74jg72jb   web.3.5ag74h04w8pu94h7s74jg72jb       busybox:latest@sha256:abab"), last);
        assertEquals(true, last.endsWith("\"no suitable node (insufficient memory on 3 nodes)\""), last);
    }

    @Test
    void globalTasksAreNamedAfterTheirNode() {
        var tasks = Fixtures.parse("""
            [{"ID": "t1", "ServiceID": "s", "NodeID": "n0de2worker00000000000000", "DesiredState": "running",
              "Spec": {"ContainerSpec": {"Image": "redis:7"}}, "Status": {"State": "running", "Timestamp": "2025-01-01T11:59:59Z"}}]
            """);
        String out = TaskTableRenderer.render(TaskTableRenderer.rows(tasks, Map.of("s", "db"), NODES), CliRun.NOW, false);
        assertEquals("t1        db.n0de2worker00000000000000   redis:7   host2     Running         Running 1 second ago", out.split("\n")[1]);
    }

    @ParameterizedTest(name = "{0}s -> {1}")
    @CsvSource({"0, Less than a second", "1, 1 second", "5, 5 seconds", "60, About a minute", "150, 2 minutes",
            "3600, About an hour", "7200, 2 hours", "259200, 3 days", "1814400, 3 weeks", "10368000, 4 months", "94608000, 3 years"})
    void relativeTimesReadLikeDockers(long seconds, String text) {
        assertEquals(text, RelativeTime.human(Duration.ofSeconds(seconds)));
    }

    @Test
    void prettyInspectSummarisesTheSpec() {
        String out = ServicePrettyRenderer.render(Fixtures.json("service_web.json"));
        List<String> lines = List.of(out.split("\n"));
        assertEquals("ID:             w6pjkkknglqnips5us8l4b7o8", lines.get(0));
        assertEquals(true, lines.contains(" Replicas:      3"));
        assertEquals(true, lines.contains(" Constraints:   [node.role==worker]"));
        assertEquals(true, lines.contains(" Delay:         5s"));
        assertEquals(true, lines.contains("  Memory:       64MiB"));
        assertEquals(true, lines.contains("  CPU:          0.5"));
        assertEquals(true, lines.contains(" PublishedPort = 8080"));
    }

    @Test
    void jsonOutputUsesDockersFourSpaceLayout() {
        assertEquals("[\n    {\n        \"a\": 1,\n        \"b\": []\n    }\n]", Json.pretty(Fixtures.parse("[{\"a\":1,\"b\":[]}]")));
    }
}
