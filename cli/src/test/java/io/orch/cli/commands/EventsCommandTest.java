package io.orch.cli.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.orch.cli.render.EventText;
import io.orch.cli.testing.CliRun;
import io.orch.cli.testing.RecordedRequest;
import io.orch.cli.testing.StubAgentCli;
import io.orch.cli.testing.StubResponse;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code orch events} against a stub agent: the query it sends and docker's output forms. */
class EventsCommandTest {
    private static final String CREATE = "{\"Type\":\"service\",\"Action\":\"create\",\"Actor\":{\"ID\":\"svc1\",\"Attributes\":"
            + "{\"name\":\"web\"}},\"scope\":\"swarm\",\"time\":1796464800,\"timeNano\":1796464800000000005}";
    private static final String DOWN = "{\"Type\":\"node\",\"Action\":\"update\",\"Actor\":{\"ID\":\"node1\",\"Attributes\":"
            + "{\"state.old\":\"ready\",\"name\":\"w1\",\"state.new\":\"down\"}},\"scope\":\"swarm\",\"time\":1796464801,"
            + "\"timeNano\":1796464801000000000}";

    @RegisterExtension
    final StubAgentCli cli = new StubAgentCli();

    private static StubResponse events(RecordedRequest r) {
        return StubResponse.ok(CREATE + "\n" + DOWN + "\n").chunkedEncoding();
    }

    @Test
    void theDefaultLineIsDockers() {
        assertEquals("2026-12-05T10:00:00.000000005Z service create svc1 (name=web)",
                EventText.line(read(CREATE), ZoneOffset.UTC));
        assertEquals("2026-12-05T10:00:01.000000000Z node update node1 (name=w1, state.new=down, state.old=ready)",
                EventText.line(read(DOWN), ZoneOffset.UTC));
        assertEquals("2026-12-05T11:00:01.000000000+01:00 node update node1 (name=w1, state.new=down, state.old=ready)",
                EventText.line(read(DOWN), ZoneOffset.ofHours(1)));
    }

    @Test
    void sinceUntilAndFiltersAreSentAsTheDockerCliSendsThem() throws IOException {
        CliRun run = cli.run(EventsCommandTest::events, "events", "--since", "2026-12-05T10:00:00Z", "--until", "1796464900.5",
                "--filter", "type=service", "-f", "event=create");
        assertEquals(0, run.exitCode(), run.toString());
        assertEquals(2, run.outLines().size(), run.out());
        assertTrue(run.outLines().get(0).endsWith(" service create svc1 (name=web)"), run.out());
        String target = URLDecoder.decode(cli.requests().get(0).target(), StandardCharsets.UTF_8);
        assertTrue(target.contains("/events?since=1796464800.000000000&until=1796464900.500000000&filters="), target);
        assertTrue(target.endsWith("filters={\"event\":{\"create\":true},\"type\":{\"service\":true}}"), target);
    }

    @Test
    void formatJsonPrintsOneObjectPerEvent() throws IOException {
        CliRun run = cli.run(EventsCommandTest::events, "events", "--until", "1796464900", "--format", "{{json .}}");
        assertEquals(0, run.exitCode(), run.toString());
        assertEquals(read(CREATE), read(run.outLines().get(0)));
        assertEquals(read(DOWN), read(run.outLines().get(1)));
        assertEquals(0, cli.run(EventsCommandTest::events, "events", "--format", "json").exitCode());
    }

    @Test
    void badTimesAndFormatsAreRefusedBeforeAnythingIsSent() throws IOException {
        CliRun since = cli.run(EventsCommandTest::events, "events", "--since", "yesterday");
        assertEquals(2, since.exitCode(), since.toString());
        assertTrue(since.err().contains("invalid argument \"yesterday\" for \"--since\""), since.err());
        CliRun format = cli.run(EventsCommandTest::events, "events", "--format", "{{.Type}}");
        assertEquals(2, format.exitCode(), format.toString());
        assertTrue(format.err().contains("unsupported --format \"{{.Type}}\""), format.err());
        CliRun filter = cli.run(EventsCommandTest::events, "events", "--filter", "type");
        assertEquals(2, filter.exitCode(), filter.toString());
        assertEquals(0, cli.requests().size());
    }

    @Test
    void theAgentsRefusalIsOneLine() throws IOException {
        CliRun run = cli.run(r -> StubResponse.error(400, "invalid filter 'colour'"), "events", "--filter", "colour=red");
        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().contains("invalid filter 'colour'"), run.err());
        assertEquals(1, run.errLines().size(), run.err());
    }

    private static com.fasterxml.jackson.databind.JsonNode read(String json) {
        try {
            return new ObjectMapper().readTree(json);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
