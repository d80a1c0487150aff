package io.orch.api.concurrent;

import org.junit.jupiter.api.Test;

import java.util.concurrent.ThreadFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DaemonThreadsTest {
    @Test
    void aFactoryNamesItsThreadsAndMakesThemDaemons() {
        ThreadFactory f = DaemonThreads.factory("orch-test");
        Thread first = f.newThread(() -> { });
        Thread second = f.newThread(() -> { });
        assertEquals("orch-test", first.getName());
        assertEquals("orch-test-2", second.getName());
        assertTrue(first.isDaemon() && second.isDaemon());
    }

    @Test
    void startRunsTheBodyOnANamedDaemonThread() throws InterruptedException {
        String[] seen = new String[1];
        Thread t = DaemonThreads.start("orch-once", () -> seen[0] = Thread.currentThread().getName());
        t.join(10_000);
        assertFalse(t.isAlive());
        assertEquals("orch-once", seen[0]);
    }
}
