package io.orch.agent.worker;

import io.orch.runtime.TaskHandle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HandleStoreTest {
    @TempDir
    Path dir;

    private static TaskHandle handle(String id, long pid) {
        return new TaskHandle(id, "runc", pid, 1_700_000_000_000L + pid, "c-" + id, Map.of("bundle", "/b/" + id, "netns", "orch-" + id));
    }

    @Test
    void aSavedHandleLoadsBackAsItWas() throws Exception {
        HandleStore store = new HandleStore(dir.resolve("handles"));
        TaskHandle h = handle("t1", 42);
        store.save(h);
        assertEquals(List.of(h), new HandleStore(dir.resolve("handles")).loadAll(), "a new agent process reads it");
        try (Stream<Path> files = Files.list(dir.resolve("handles"))) {
            assertEquals(List.of("t1.json"), files.map(p -> p.getFileName().toString()).toList(), "no temp file left");
        }
    }

    @Test
    void savingAgainReplacesTheHandle() throws Exception {
        HandleStore store = new HandleStore(dir);
        store.save(handle("t1", 42));
        store.save(handle("t1", 43));
        assertEquals(List.of(handle("t1", 43)), store.loadAll());
    }

    @Test
    void aRemovedHandleIsGoneAndRemovingTwiceIsHarmless() throws Exception {
        HandleStore store = new HandleStore(dir);
        store.save(handle("t1", 42));
        store.save(handle("t2", 43));
        store.remove("t1");
        store.remove("t1");
        assertEquals(List.of(handle("t2", 43)), store.loadAll());
    }

    @Test
    void anUnreadableHandleIsSkippedAndTheOthersLoad() throws Exception {
        HandleStore store = new HandleStore(dir);
        store.save(handle("t1", 42));
        Files.writeString(dir.resolve("t2.json"), "{\"taskId\": \"t2\", \"pid\"");
        Files.writeString(dir.resolve("t3.json.tmp"), "half written");
        assertEquals(List.of(handle("t1", 42)), store.loadAll());
    }

    @Test
    void anEmptyDirectoryHoldsNoHandles() throws Exception {
        assertTrue(new HandleStore(dir.resolve("new")).loadAll().isEmpty());
    }
}
