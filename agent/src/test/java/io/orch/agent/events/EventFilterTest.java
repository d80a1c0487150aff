package io.orch.agent.events;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The filters of GET /events, as Docker's events filter reads them. */
class EventFilterTest {
    private static final ClusterEvent SERVICE = new ClusterEvent("service", "create", "svc1abc", new TreeMap<>(Map.of("name", "web")),
            Map.of("tier", "front", "team", "a"), Map.of(), 1);
    private static final ClusterEvent NODE = new ClusterEvent("node", "update", "node1xyz", new TreeMap<>(Map.of("name", "w1",
            "state.old", "ready", "state.new", "down")), Map.of(), Map.of(), 2);
    private static final ClusterEvent TASK = new ClusterEvent("task", "update", "task9", new TreeMap<>(Map.of("name", "api.1.task9",
            "service", "api", "node", "node1xyz")), Map.of(), Map.of("service", "svc2def", "node", "node1xyz"), 3);

    private static EventFilter filter(Map<String, Set<String>> values) {
        return EventFilter.of(values);
    }

    @Test
    void noFilterTakesEverything() {
        assertTrue(EventFilter.all().test(SERVICE));
        assertTrue(EventFilter.all().test(TASK));
    }

    @Test
    void typeEventAndScopeMatchExactlyAndValuesOfOneKeyAreOred() {
        EventFilter services = filter(Map.of("type", Set.of("service")));
        assertTrue(services.test(SERVICE));
        assertFalse(services.test(NODE));
        assertTrue(filter(Map.of("type", Set.of("service", "node"))).test(NODE));
        assertTrue(filter(Map.of("event", Set.of("update"))).test(NODE));
        assertFalse(filter(Map.of("event", Set.of("update"))).test(SERVICE));
        assertTrue(filter(Map.of("action", Set.of("create"))).test(SERVICE), "action is taken as event's alias");
        assertTrue(filter(Map.of("scope", Set.of("swarm"))).test(SERVICE));
        assertFalse(filter(Map.of("scope", Set.of("local"))).test(SERVICE), "orch's events are all swarm-scoped");
    }

    @Test
    void keysAreAnded() {
        assertFalse(filter(Map.of("type", Set.of("service"), "event", Set.of("remove"))).test(SERVICE));
        assertTrue(filter(Map.of("type", Set.of("service"), "event", Set.of("create"))).test(SERVICE));
    }

    @Test
    void objectKeysMatchAnIdOrNamePrefixOfAnyType() {
        assertTrue(filter(Map.of("service", Set.of("web"))).test(SERVICE));
        assertTrue(filter(Map.of("service", Set.of("svc1"))).test(SERVICE));
        assertFalse(filter(Map.of("service", Set.of("db"))).test(SERVICE));
        assertTrue(filter(Map.of("node", Set.of("w1"))).test(NODE));
        assertFalse(filter(Map.of("node", Set.of("w1"))).test(SERVICE), "as Docker: node=X keeps only the events of objects X names");
    }

    @Test
    void aTaskMatchesItsServiceByNameOrIdPrefixAndItsNodeByIdPrefix() {
        assertTrue(filter(Map.of("service", Set.of("api"))).test(TASK));
        assertTrue(filter(Map.of("service", Set.of("svc2"))).test(TASK));
        assertFalse(filter(Map.of("service", Set.of("web"))).test(TASK));
        assertTrue(filter(Map.of("node", Set.of("node1"))).test(TASK));
        assertTrue(filter(Map.of("type", Set.of("task"), "service", Set.of("api"))).test(TASK));
    }

    @Test
    void labelFiltersMatchTheObjectsLabelsAndAllMustHold() {
        assertTrue(filter(Map.of("label", Set.of("tier"))).test(SERVICE));
        assertTrue(filter(Map.of("label", Set.of("tier=front", "team"))).test(SERVICE));
        assertFalse(filter(Map.of("label", Set.of("tier=back"))).test(SERVICE));
        assertFalse(filter(Map.of("label", Set.of("tier", "zone"))).test(SERVICE));
    }

    @Test
    void unknownKeysTypesAndScopesAreRefusedNamingThem() {
        assertEquals("invalid filter 'colour'",
                assertThrows(IllegalArgumentException.class, () -> filter(Map.of("colour", Set.of("x")))).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> filter(Map.of("container", Set.of("x")))).getMessage()
                .startsWith("invalid filter 'container': orch emits swarm events only"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> filter(Map.of("type", Set.of("servce")))).getMessage()
                .startsWith("invalid filter 'type=servce'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> filter(Map.of("scope", Set.of("global")))).getMessage()
                .startsWith("invalid filter 'scope=global'"));
    }
}
