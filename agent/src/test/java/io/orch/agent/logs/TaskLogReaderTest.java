package io.orch.agent.logs;

import io.orch.api.proto.LogChunk;
import io.orch.runtime.logs.LogRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Stamped log files: every line keeps its own time; both streams merge in time order. */
class TaskLogReaderTest {
    private static final Instant T = Instant.parse("2026-03-01T10:00:00Z");

    @TempDir
    Path tasks;

    private void record(String file, String stream, Instant time, String content, boolean partial) throws IOException {
        Path f = Files.createDirectories(tasks.resolve("t1")).resolve(file);
        Files.write(f, LogRecord.format(time, stream, content.getBytes(StandardCharsets.UTF_8), partial),
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @BeforeEach
    void setUp() throws IOException {
        record("stdout.log", "stdout", T, "one\n", false);
        record("stderr.log", "stderr", T.plusSeconds(1), "warn\n", false);
        record("stdout.log", "stdout", T.plusSeconds(2), "two\n", false);
        record("stdout.log", "stdout", T.plusSeconds(3), "three\n", false);
        record("stderr.log", "stderr", T.plusSeconds(4), "fail\n", false);
    }

    private List<String> read(int tail, Instant since, Instant until) throws IOException {
        List<String> out = new ArrayList<>();
        TaskLogReader.of(tasks, "t1", new LogQuery(true, true, false, tail, since, until, true))
                .readExisting((stream, time, line) -> out.add((stream == LogChunk.Stream.STDOUT ? "out " : "err ")
                        + (time.getEpochSecond() - T.getEpochSecond()) + " " + new String(line, StandardCharsets.UTF_8)));
        return out;
    }

    @Test
    void bothStreamsComeInTheOrderTheLinesWereWrittenEachWithItsTime() throws IOException {
        assertEquals(List.of("out 0 one\n", "err 1 warn\n", "out 2 two\n", "out 3 three\n", "err 4 fail\n"), read(-1, null, null));
    }

    @Test
    void tailCountsTheLinesOfBothStreams() throws IOException {
        assertEquals(List.of("out 3 three\n", "err 4 fail\n"), read(2, null, null));
    }

    @Test
    void sinceAndUntilKeepSingleLines() throws IOException {
        assertEquals(List.of("err 1 warn\n", "out 2 two\n", "out 3 three\n"), read(-1, T.plusSeconds(1), T.plusSeconds(3)));
        assertEquals(List.of("out 3 three\n"), read(1, T.plusSeconds(1), T.plusSeconds(3)));
    }

    @Test
    void aLineSplitByTheStamperComesInPiecesAsDockersDoes() throws IOException {
        record("stdout.log", "stdout", T.plusSeconds(5), "x".repeat(5), true);
        record("stdout.log", "stdout", T.plusSeconds(5), "y\n", false);
        assertEquals(List.of("out 5 xxxxx", "out 5 y\n"), read(2, null, null));
    }

    @Test
    void rawLinesFromBeforeTheUpgradeAreTimedByTheirFile() throws IOException {
        Path old = Files.createDirectories(tasks.resolve("old"));
        Files.writeString(old.resolve("stdout.log"), "legacy\n");
        Files.setLastModifiedTime(old.resolve("stdout.log"), java.nio.file.attribute.FileTime.from(T.plusSeconds(60)));
        List<String> out = new ArrayList<>();
        TaskLogReader.of(tasks, "old", new LogQuery(true, true, false, -1, null, null, true))
                .readExisting((stream, time, line) -> out.add(time + " " + new String(line, StandardCharsets.UTF_8)));
        assertEquals(List.of(T.plusSeconds(60) + " legacy\n"), out);
    }

    @Test
    void followedLinesKeepTheTimeTheyWereWritten() throws IOException {
        TaskLogReader reader = TaskLogReader.of(tasks, "t1", new LogQuery(true, true, true, 0, null, null, true));
        reader.readExisting((s, t, l) -> { });
        record("stderr.log", "stderr", T.plusSeconds(11), "late err\n", false);
        record("stdout.log", "stdout", T.plusSeconds(10), "late out\n", false);
        List<String> out = new ArrayList<>();
        reader.readNew(T.plusSeconds(99), 1 << 20, (stream, time, line) ->
                out.add((time.getEpochSecond() - T.getEpochSecond()) + " " + new String(line, StandardCharsets.UTF_8)));
        assertEquals(List.of("10 late out\n", "11 late err\n"), out);
    }
}
