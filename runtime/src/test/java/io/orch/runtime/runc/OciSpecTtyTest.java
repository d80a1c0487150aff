package io.orch.runtime.runc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orch.runtime.TaskConfig;
import io.orch.runtime.image.ImageConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ContainerSpec.TTY in the OCI spec: process.terminal and Docker's TERM=xterm. */
class OciSpecTtyTest {
    @TempDir
    Path dir;

    private ObjectNode spec(boolean tty, Map<String, String> env) throws Exception {
        Path rootfs = Files.createDirectories(dir.resolve("rootfs"));
        Files.createDirectories(dir.resolve("task"));
        ImageConfig image = new ImageConfig(List.of(), List.of("sh"), List.of(), "", "", Map.of(), "", Optional.empty(),
                List.of(), "linux", "amd64", "", List.of());
        TaskConfig config = new TaskConfig("t1", "t1", "busybox", List.of(), env, null, "", "h", TaskConfig.Resources.NONE,
                Map.of(), dir.resolve("task"), new TaskConfig.Container(List.of("sh"), List.of(), false, List.of(), Optional.empty()).withTty(tty));
        return OciSpec.build(config, image, rootfs, "h", "/orch/t1", dir.resolve("volumes"));
    }

    @Test
    void aTtyTaskGetsATerminalAndTermXterm() throws Exception {
        ObjectNode s = spec(true, Map.of());
        assertTrue(s.path("process").path("terminal").asBoolean());
        assertTrue(s.path("process").path("env").toString().contains("\"TERM=xterm\""), s.path("process").path("env").toString());
    }

    @Test
    void withoutTtyNoTerminalAndNoTerm() throws Exception {
        ObjectNode s = spec(false, Map.of());
        assertFalse(s.path("process").path("terminal").asBoolean(true));
        assertFalse(s.path("process").path("env").toString().contains("TERM="));
    }

    @Test
    void theServiceEnvOverridesTerm() throws Exception {
        ObjectNode s = spec(true, Map.of("TERM", "vt100"));
        String env = s.path("process").path("env").toString();
        assertTrue(env.contains("\"TERM=vt100\""), env);
        assertEquals(-1, env.indexOf("TERM=xterm"), env);
    }
}
