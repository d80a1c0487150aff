package io.orch.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.orch.runtime.fake.FakeRuntime;
import io.orch.runtime.process.ProcessRuntime;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RuntimeRegistryTest {
    private static FakeRuntime fake(String name, boolean available) {
        FakeRuntime r = new FakeRuntime(name, Clock.systemUTC());
        if (!available) {
            r.setFingerprint(Fingerprint.unavailable(name + " missing"));
        }
        return r;
    }

    @Test
    void defaultIsFirstAvailableInPreferenceOrderNotRegistrationOrder() {
        FakeRuntime process = fake("process", true);
        FakeRuntime docker = fake("docker", true);
        FakeRuntime runc = fake("runc", false);
        RuntimeRegistry registry = new RuntimeRegistry(List.of(process, docker, runc), null);

        assertSame(docker, registry.defaultRuntime());
        assertEquals(List.of("docker", "process"), registry.availableNames());
        assertFalse(registry.isAvailable("runc"));
        assertEquals("runc missing", registry.fingerprints().get("runc").reason());
    }

    @Test
    void configuredDefaultWinsAndIsNeverSilentlyReplaced() {
        FakeRuntime process = fake("process", true);
        FakeRuntime runc = fake("runc", true);
        RuntimeRegistry wantsProcess = new RuntimeRegistry(List.of(runc, process), "process");
        assertSame(process, wantsProcess.defaultRuntime());
        assertEquals(List.of("runc", "process"), wantsProcess.availableNames());
        assertEquals(List.of("process", "runc"), wantsProcess.advertisedNames(), "the node's default is advertised first");

        runc.setFingerprint(Fingerprint.unavailable("no runc binary"));
        RuntimeRegistry wantsRunc = new RuntimeRegistry(List.of(runc, process), "runc");
        IllegalStateException e = assertThrows(IllegalStateException.class, wantsRunc::defaultRuntime);
        assertTrue(e.getMessage().contains("no runc binary"), e.getMessage());
        assertThrows(IllegalStateException.class,
                () -> new RuntimeRegistry(List.of(process), "docker").defaultRuntime());
    }

    @Test
    void refreshSeesRuntimesAppearAndAFailingFingerprintMeansUnavailable() {
        FakeRuntime runc = fake("runc", false);
        FakeRuntime process = fake("process", true);
        RuntimeRegistry registry = new RuntimeRegistry(List.of(runc, process), "");
        assertSame(process, registry.defaultRuntime());

        runc.setFingerprint(Fingerprint.available(Map.of()));
        registry.refresh();
        assertSame(runc, registry.defaultRuntime());
        assertTrue(registry.available("runc").isPresent());

        runc.failFingerprint(new IllegalStateException("probe crashed"));
        registry.refresh();
        assertFalse(registry.isAvailable("runc"));
        assertTrue(registry.fingerprints().get("runc").reason().contains("probe crashed"));
        assertSame(process, registry.defaultRuntime());
    }

    @Test
    void noAvailableRuntimeIsAnErrorAndDuplicateNamesAreRejected() {
        assertThrows(IllegalStateException.class,
                () -> new RuntimeRegistry(List.of(fake("process", false)), null).defaultRuntime());
        assertThrows(IllegalArgumentException.class,
                () -> new RuntimeRegistry(List.of(fake("process", true), fake("process", true)), null));
    }

    @Test
    void theRealProcessRuntimeIsTheDefaultOnThisLinuxNode() {
        try (RuntimeRegistry registry = new RuntimeRegistry(List.of(new ProcessRuntime()), null)) {
            assertEquals(ProcessRuntime.NAME, registry.defaultRuntime().name());
        }
    }

    @Test
    void closeClosesEveryRuntime() {
        FakeRuntime a = fake("runc", true);
        FakeRuntime b = fake("process", true);
        new RuntimeRegistry(List.of(a, b), null).close();
        assertTrue(a.closed() && b.closed());
    }
}
