package io.orch.agent.events;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The manager's recent events: bounded, replayed by since/until, then live to each listener. */
class EventLogTest {
    private static ClusterEvent at(long seconds, String type) {
        return new ClusterEvent(type, "create", "id" + seconds, new TreeMap<>(Map.of("name", "n" + seconds)), Map.of(), Map.of(),
                seconds * 1_000_000_000L);
    }

    private static List<Long> seconds(List<ClusterEvent> events) {
        return events.stream().map(e -> e.timeNano() / 1_000_000_000L).toList();
    }

    @Test
    void theRingKeepsTheNewestEventsUpToItsCount() {
        EventLog log = new EventLog(3, Long.MAX_VALUE);
        for (long s = 1; s <= 5; s++) {
            log.publish(at(s, "service"));
        }
        List<ClusterEvent> seen = new ArrayList<>();
        log.subscribe(EventFilter.all(), Instant.EPOCH, null, false, seen::add);
        assertEquals(List.of(3L, 4L, 5L), seconds(seen));
    }

    @Test
    void theRingIsBoundedByBytesToo() {
        long one = at(1, "service").estimatedBytes();
        EventLog log = new EventLog(100, one * 2);
        for (long s = 1; s <= 5; s++) {
            log.publish(at(s, "service"));
        }
        assertEquals(2, log.size());
    }

    @Test
    void sinceAndUntilSelectTheBufferedEventsInclusivelyAndNeitherSelectsNone() {
        EventLog log = new EventLog();
        for (long s = 1; s <= 5; s++) {
            log.publish(at(s, s % 2 == 0 ? "node" : "service"));
        }
        List<ClusterEvent> between = new ArrayList<>();
        log.subscribe(EventFilter.all(), Instant.ofEpochSecond(2), Instant.ofEpochSecond(4), false, between::add);
        assertEquals(List.of(2L, 3L, 4L), seconds(between));

        List<ClusterEvent> untilOnly = new ArrayList<>();
        log.subscribe(EventFilter.all(), null, Instant.ofEpochSecond(2), false, untilOnly::add);
        assertEquals(List.of(1L, 2L), seconds(untilOnly), "until alone replays from the oldest, as Docker");

        List<ClusterEvent> live = new ArrayList<>();
        log.subscribe(EventFilter.all(), null, null, true, live::add);
        assertEquals(List.of(), live, "no bound: no replay, only what comes next");

        List<ClusterEvent> services = new ArrayList<>();
        log.subscribe(EventFilter.of(Map.of("type", java.util.Set.of("service"))), Instant.EPOCH, null, false, services::add);
        assertEquals(List.of(1L, 3L, 5L), seconds(services));
    }

    @Test
    void aListenerGetsTheBacklogThenNewMatchingEventsUntilItCloses() {
        EventLog log = new EventLog();
        log.publish(at(1, "service"));
        List<ClusterEvent> seen = new ArrayList<>();
        EventLog.Subscription s = log.subscribe(EventFilter.of(Map.of("type", java.util.Set.of("service"))), Instant.EPOCH, null, true,
                seen::add);
        log.publish(at(2, "node"));
        log.publish(at(3, "service"));
        s.close();
        log.publish(at(4, "service"));
        assertEquals(List.of(1L, 3L), seconds(seen));
        assertEquals(0, log.listeners());
    }

    @Test
    void aPastOnlySubscriptionDoesNotListen() {
        EventLog log = new EventLog();
        log.subscribe(EventFilter.all(), Instant.EPOCH, Instant.ofEpochSecond(10), false, e -> { });
        assertEquals(0, log.listeners());
    }
}
