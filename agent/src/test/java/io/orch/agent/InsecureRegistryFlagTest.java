package io.orch.agent;

import io.orch.runtime.image.registry.RegistryConfig;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --insecure-registry HOST:PORT}: what it accepts, and that pulls then use plain http for it only. */
class InsecureRegistryFlagTest {
    @Test
    void hostsWithOrWithoutPortAreAccepted() {
        assertEquals(Set.of("reg.lan:5000", "10.0.0.7"), AgentOptions.insecureRegistries(List.of("reg.lan:5000", " 10.0.0.7 ")));
    }

    @Test
    void aSchemeAPathOrABadPortIsRefusedNamingTheFlag() {
        for (String bad : List.of("http://reg.lan:5000", "reg.lan:5000/v2", "reg.lan:http", "", "reg.lan:70000")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AgentOptions.insecureRegistries(List.of(bad)));
            assertTrue(e.getMessage().startsWith("--insecure-registry "), e.getMessage());
        }
    }

    @Test
    void theNodesRegistrySettingsUsePlainHttpForThoseRegistriesOnly() {
        RegistryConfig c = RegistryConfig.defaults().withInsecure(AgentOptions.insecureRegistries(List.of("reg.lan:5000")));
        assertTrue(c.plainHttp("reg.lan:5000"));
        assertTrue(c.plainHttp("127.0.0.1:5000"), "loopback registries always are");
        assertFalse(c.plainHttp("reg.lan:5001"));
        assertFalse(c.plainHttp("registry-1.docker.io"));
    }
}
