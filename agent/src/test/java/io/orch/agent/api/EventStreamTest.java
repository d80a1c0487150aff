package io.orch.agent.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import io.orch.agent.events.ClusterEvent;
import io.orch.agent.events.EventFilter;
import io.orch.agent.events.EventLog;
import io.orch.api.json.DockerJson;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The body of GET /events on one connection: buffered events, live ones, the end at until, and a slow reader dropped. */
class EventStreamTest {
    private static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private static ClusterEvent at(long secondsBeforeNow, String type, String action) {
        return new ClusterEvent(type, action, "id" + secondsBeforeNow, new TreeMap<>(Map.of("name", "n" + secondsBeforeNow)), Map.of(),
                Map.of(), EventLog.nanos(NOW.minusSeconds(secondsBeforeNow)));
    }

    /** What the stream wrote so far, one JSON object per line; and whether it ended. */
    private record Written(List<JsonNode> events, boolean ended) {}

    private static Written read(EmbeddedChannel channel) throws Exception {
        channel.runPendingTasks();
        StringBuilder text = new StringBuilder();
        boolean ended = false;
        Object part;
        while ((part = channel.readOutbound()) != null) {
            HttpContent c = (HttpContent) part;
            text.append(c.content().toString(StandardCharsets.UTF_8));
            ended |= c instanceof LastHttpContent;
            c.release();
        }
        List<JsonNode> events = new ArrayList<>();
        for (String line : text.toString().split("\n")) {
            if (!line.isEmpty()) {
                events.add(DockerJson.MAPPER.readTree(line));
            }
        }
        assertTrue(text.isEmpty() || text.charAt(text.length() - 1) == '\n', "every event ends with a newline: " + text);
        return new Written(events, ended);
    }

    @Test
    void anUntilInThePastSendsTheBufferedEventsThenEnds() throws Exception {
        EventLog log = new EventLog();
        log.publish(at(30, "service", "create"));
        log.publish(at(20, "node", "update"));
        log.publish(at(10, "service", "remove"));
        EmbeddedChannel channel = new EmbeddedChannel();
        EventStream.open(log, EventFilter.of(Map.of("type", Set.of("service"))), NOW.minusSeconds(60), NOW.minusSeconds(5), CLOCK)
                .start(channel, true);
        Written w = read(channel);
        assertEquals(List.of("create", "remove"), w.events().stream().map(e -> e.get("Action").asText()).toList());
        assertEquals("swarm", w.events().get(0).get("scope").asText());
        assertTrue(w.ended(), "the body ends: until has passed");
        assertEquals(0, log.listeners());
        assertTrue(channel.isOpen(), "a keep-alive connection stays open for the next request");
    }

    @Test
    void withoutUntilNewEventsFollowTheBufferedOnesUntilTheClientCloses() throws Exception {
        EventLog log = new EventLog();
        log.publish(at(30, "service", "create"));
        EmbeddedChannel channel = new EmbeddedChannel();
        EventStream.open(log, EventFilter.all(), NOW.minusSeconds(60), null, CLOCK).start(channel, true);
        assertEquals(1, read(channel).events().size());
        log.publish(at(0, "service", "update"));
        Written later = read(channel);
        assertEquals("update", later.events().get(0).get("Action").asText());
        assertFalse(later.ended());
        assertEquals(1, log.listeners());
        channel.close();
        assertEquals(0, log.listeners(), "a closed connection stops listening");
    }

    @Test
    void eventsBetweenTheSubscriptionAndTheHeadAreKept() throws Exception {
        EventLog log = new EventLog();
        EventStream stream = EventStream.open(log, EventFilter.all(), null, null, CLOCK);
        log.publish(at(1, "service", "create")); // the route has subscribed; the head is not out yet
        EmbeddedChannel channel = new EmbeddedChannel();
        stream.start(channel, true);
        assertEquals("create", read(channel).events().get(0).get("Action").asText());
    }

    @Test
    void noBoundsMeansNoReplayOnlyNewEvents() throws Exception {
        EventLog log = new EventLog();
        log.publish(at(30, "service", "create"));
        EmbeddedChannel channel = new EmbeddedChannel();
        EventStream.open(log, EventFilter.all(), null, null, CLOCK).start(channel, true);
        assertEquals(List.of(), read(channel).events());
        log.publish(at(0, "node", "update"));
        assertEquals("node", read(channel).events().get(0).get("Type").asText());
    }

    @Test
    void aClientThatDoesNotKeepUpIsDroppedOnceItsQueueIsFull() throws Exception {
        EventLog log = new EventLog();
        EmbeddedChannel channel = new EmbeddedChannel();
        EventStream.open(log, EventFilter.all(), null, null, CLOCK, 3).start(channel, false);
        channel.runPendingTasks();
        for (int i = 0; i < 4; i++) { // nothing is written meanwhile: the event loop has not run
            log.publish(at(i, "service", "update"));
        }
        assertEquals(0, log.listeners(), "the fourth event found the queue full: the stream stopped listening");
        channel.runPendingTasks();
        assertFalse(channel.isOpen(), "and its connection is closed");
        Object part;
        while ((part = channel.readOutbound()) != null) {
            assertFalse(part instanceof LastHttpContent, "a dropped client gets no clean end");
            ((HttpContent) part).release();
        }
        assertNull(channel.readOutbound());
    }
}
