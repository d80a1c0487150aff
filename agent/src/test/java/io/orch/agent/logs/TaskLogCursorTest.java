package io.orch.agent.logs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Reading a log file the way the stamper rotates it (rename to .1, .2; a new file). */
class TaskLogCursorTest {
    private static List<String> read(TaskLogCursor cursor) throws Exception {
        List<String> lines = new ArrayList<>();
        cursor.readAll(b -> lines.add(new String(b, StandardCharsets.UTF_8).trim()));
        return lines;
    }

    private static void append(Path f, String... lines) throws Exception {
        Files.writeString(f, String.join("\n", lines) + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @Test
    void aFirstReadStartsAtTheOldestRotatedFile(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("stdout.log");
        append(dir.resolve("stdout.log.2"), "a", "b");
        append(dir.resolve("stdout.log.1"), "c");
        append(log, "d", "e");
        assertEquals(List.of("a", "b", "c", "d", "e"), read(new TaskLogCursor(log)));
    }

    @Test
    void aFollowerReadsTheRestOfARotatedFileBeforeTheNewOne(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("stdout.log");
        append(log, "1", "2");
        TaskLogCursor cursor = new TaskLogCursor(log);
        assertEquals(List.of("1", "2"), read(cursor));
        append(log, "3"); // written before the rotation, not yet read
        Files.move(log, dir.resolve("stdout.log.1"));
        append(log, "4");
        assertEquals(List.of("3", "4"), read(cursor));
        append(log, "5");
        assertEquals(List.of("5"), read(cursor));
    }

    @Test
    void withOneFileTheNewFileIsReadFromItsStart(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("stdout.log");
        append(log, "old-1", "old-2", "old-3");
        TaskLogCursor cursor = new TaskLogCursor(log);
        assertEquals(3, read(cursor).size());
        Files.move(log, dir.resolve("stdout.log.1")); // as the stamper does: the new file exists before the old one goes
        append(log, "new-1", "new-2", "new-3", "new-4"); // longer than where the cursor stood
        Files.delete(dir.resolve("stdout.log.1"));
        assertEquals(List.of("new-1", "new-2", "new-3", "new-4"), read(cursor));
    }
}
