package io.orch.agent;

import io.orch.agent.api.SwarmInitRequest;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --restart-grace}: what it accepts, its default, and that configurations derived from the flags keep it. */
class RestartGraceFlagTest {
    private static AgentConfig init(String... args) throws Exception {
        InitCommand init = new InitCommand();
        new CommandLine(init).parseArgs(args);
        return init.config();
    }

    @Test
    void goStyleDurationsAreAccepted() {
        assertEquals(Duration.ofSeconds(30), AgentOptions.restartGrace("30s"));
        assertEquals(Duration.ofSeconds(90), AgentOptions.restartGrace("1m30s"));
        assertEquals(Duration.ofMinutes(2), AgentOptions.restartGrace(" 2m "));
        assertEquals(Duration.ofMillis(1500), AgentOptions.restartGrace("1s500ms"));
        assertEquals(Duration.ZERO, AgentOptions.restartGrace("0s"), "zero: no announcement");
    }

    @Test
    void anythingElseIsRefusedNamingTheFlag() {
        for (String bad : List.of("", "30", "s", "-5s", "30 s", "1d", "2h", "30s5")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AgentOptions.restartGrace(bad));
            assertTrue(e.getMessage().startsWith("--restart-grace "), e.getMessage());
        }
    }

    @Test
    void theDefaultIsThirtySecondsAndTheFlagReachesTheConfiguration() throws Exception {
        assertEquals(AgentConfig.DEFAULT_RESTART_GRACE, init("--data-dir", "/tmp/x").restartGrace());
        assertEquals(Duration.ofSeconds(45), init("--data-dir", "/tmp/x", "--restart-grace", "45s").restartGrace());
    }

    @Test
    void aSwarmInitThroughTheApiKeepsTheFlag() throws Exception {
        AgentConfig flags = init("--data-dir", "/tmp/x", "--restart-grace", "5s");
        AgentConfig viaApi = SwarmRequestConfigs.forInit(flags, new SwarmInitRequest(null, null, null, 0, List.of(), 0, false));
        assertEquals(Duration.ofSeconds(5), viaApi.restartGrace());
    }
}
