package io.orch.runtime.net;

import io.orch.runtime.runc.RuncRequirements;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class NamespaceSweepTest {
    private final String prefix = "orch-sweeptest-" + UUID.randomUUID().toString().substring(0, 6) + "-";
    private Process holder;

    @AfterEach
    void cleanUp() throws Exception {
        if (holder != null) {
            holder.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        for (String s : List.of("idle", "busy")) {
            IpCommand.run("netns", "del", prefix + s);
        }
    }

    @Test
    void aNamespaceNoProcessIsInGoesAndOneInUseStays() throws Exception {
        assumeTrue(RuncRequirements.unavailableReason().isEmpty() && NodeNetwork.unavailableReason().isEmpty(),
                "needs root and iproute2");
        assertTrue(IpCommand.run("netns", "add", prefix + "idle").ok());
        assertTrue(IpCommand.run("netns", "add", prefix + "busy").ok());
        holder = new ProcessBuilder("nsenter", "--net=/var/run/netns/" + prefix + "busy", "sleep", "60").start();
        // the holder is in the namespace once nsenter has exec'd sleep
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!ProcessHandle.of(holder.pid()).flatMap(h -> h.info().command()).orElse("").endsWith("sleep")) {
            assertTrue(System.nanoTime() < deadline, "the holder process did not start");
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5)); // polling the condition
        }

        assertEquals(List.of(), NamespaceSweep.sweep(Duration.ofHours(1), prefix), "young namespaces stay");
        assertEquals(List.of(prefix + "idle"), NamespaceSweep.sweep(Duration.ZERO, prefix));
        assertFalse(Files.exists(NamespaceSweep.NETNS_DIR.resolve(prefix + "idle")));
        assertTrue(Files.exists(NamespaceSweep.NETNS_DIR.resolve(prefix + "busy")), "a namespace in use stays");
    }
}
