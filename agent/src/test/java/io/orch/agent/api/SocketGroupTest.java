package io.orch.agent.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The API socket's group: the named group when the host has it, the agent's own otherwise. */
class SocketGroupTest {
    @TempDir
    Path dir;

    @Test
    void aGroupThatExistsIsTakenAndOneThatDoesNotChangesNothing() throws Exception {
        Path file = Files.createFile(dir.resolve("orch.sock"));
        GroupPrincipal own = Files.readAttributes(file, PosixFileAttributes.class).group();
        assertFalse(SocketGroup.apply(file, "no-such-group-orch-test"));
        assertEquals(own, Files.readAttributes(file, PosixFileAttributes.class).group());
        // the agent's own group always exists and may always be set
        assertTrue(SocketGroup.apply(file, own.getName()));
        assertEquals(own, Files.readAttributes(file, PosixFileAttributes.class).group());
    }
}
