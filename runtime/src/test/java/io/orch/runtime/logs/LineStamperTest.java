package io.orch.runtime.logs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real perl stamper on a real FIFO. */
class LineStamperTest {
    private static final Path SETSID = Path.of("/usr/bin/setsid");

    private static List<LogRecord> records(Path log) throws Exception {
        List<LogRecord> out = new ArrayList<>();
        for (String line : Files.readString(log, StandardCharsets.UTF_8).split("(?<=\n)")) {
            if (!line.isEmpty()) {
                out.add(LogRecord.parse(line.getBytes(StandardCharsets.UTF_8), Instant.EPOCH));
            }
        }
        return out;
    }

    @Test
    void eachLineGetsTheTimeItArrivedAndLongLinesAreSplit(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("stdout.pipe");
        Path log = dir.resolve("stdout.log");
        Instant before = Instant.now();
        LineStamper.start(SETSID, LineStamper.PERL, "stdout", fifo, log, LogRotation.NONE);
        byte[] longLine = ("x".repeat(LogRecord.MAX_LINE + 10) + "\n").getBytes(StandardCharsets.UTF_8);
        try (FileOutputStream w = new FileOutputStream(fifo.toFile(), true)) {
            w.write("first\n".getBytes(StandardCharsets.UTF_8));
            w.flush();
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(log) && Files.size(log) > 0);
            Instant firstSeen = Instant.now();
            List<LogRecord> first = records(log);
            assertEquals(1, first.size());
            await().pollDelay(Duration.ofMillis(20)).atMost(Duration.ofSeconds(1)).until(() -> true);
            w.write("second\n".getBytes(StandardCharsets.UTF_8));
            w.write(longLine);
            w.write("tail without newline".getBytes(StandardCharsets.UTF_8));
            w.flush();
            assertFalse(first.get(0).time().isBefore(before.minusMillis(1)));
            assertFalse(first.get(0).time().isAfter(firstSeen));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(fifo)); // it saw the end and left
        List<LogRecord> all = records(log);
        assertEquals(5, all.size(), all.toString());
        assertArrayEquals("second\n".getBytes(StandardCharsets.UTF_8), all.get(1).content());
        assertTrue(all.get(1).time().isAfter(all.get(0).time()), "the second line arrived later");
        assertTrue(all.get(2).partial());
        assertEquals(LogRecord.MAX_LINE, all.get(2).content().length);
        assertEquals("x".repeat(10) + "\n", new String(all.get(3).content(), StandardCharsets.UTF_8));
        assertTrue(all.get(4).partial());
        assertEquals("tail without newline", new String(all.get(4).content(), StandardCharsets.UTF_8));
        assertEquals("first\nsecond\n" + new String(longLine, StandardCharsets.UTF_8) + "tail without newline",
                LogFileText.read(log));
    }

    @Test
    void oneStamperServesBothStreamsEachIntoItsOwnLogUntilEachEnds(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("stdout.pipe");
        Path err = dir.resolve("stderr.pipe");
        Path outLog = dir.resolve("stdout.log");
        Path errLog = dir.resolve("stderr.log");
        LineStamper.start(SETSID, LineStamper.PERL, List.of(new LineStamper.Stream("stdout", out, outLog),
                new LineStamper.Stream("stderr", err, errLog)), LogRotation.NONE);
        try (FileOutputStream e = new FileOutputStream(err.toFile(), true)) {
            try (FileOutputStream o = new FileOutputStream(out.toFile(), true)) {
                o.write("to out\n".getBytes(StandardCharsets.UTF_8));
                e.write("to err\n".getBytes(StandardCharsets.UTF_8));
                o.write("out tail".getBytes(StandardCharsets.UTF_8));
            }
            // stdout ended: its last partial line is written and its pipe removed, stderr goes on
            await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(out));
            assertTrue(Files.exists(err), "stderr still has a writer");
            e.write("err later\n".getBytes(StandardCharsets.UTF_8));
            e.flush();
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(errLog) && records(errLog).size() == 2);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(err));
        List<LogRecord> outRecords = records(outLog);
        assertEquals(2, outRecords.size(), outRecords.toString());
        assertTrue(Files.readString(outLog).contains(" stdout F to out\n"), Files.readString(outLog));
        assertEquals("to out\n", new String(outRecords.get(0).content(), StandardCharsets.UTF_8));
        assertTrue(outRecords.get(1).partial());
        List<LogRecord> errRecords = records(errLog);
        assertTrue(Files.readString(errLog).contains(" stderr F err later\n"), Files.readString(errLog));
        assertEquals("to err\nerr later\n", LogFileText.read(errLog));
        assertTrue(errRecords.get(0).time().isAfter(Instant.now().minusSeconds(60)), "stamped with the time now: "
                + errRecords.get(0).time());
    }

    @Test
    void aRotatedLogKeepsAtMostMaxFilesOfAtMostMaxBytesEachStartingOnWholeRecords(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("stdout.pipe");
        Path log = dir.resolve("stdout.log");
        // a record is "<30-char time> stdout F line-NNN\n": 48 bytes; four fit in 200
        LineStamper.start(SETSID, LineStamper.PERL, "stdout", fifo, log, new LogRotation(200, 3));
        try (FileOutputStream w = new FileOutputStream(fifo.toFile(), true)) {
            for (int i = 0; i < 30; i++) {
                w.write(String.format("line-%03d%n", i).getBytes(StandardCharsets.UTF_8));
                w.flush();
            }
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(fifo));
        assertEquals(List.of(dir.resolve("stdout.log.2"), dir.resolve("stdout.log.1")), LogRotation.rotatedFiles(log));
        assertFalse(Files.exists(dir.resolve("stdout.log.3")), "max-file 3: the log and two rotated ones");
        List<String> kept = new ArrayList<>();
        for (Path f : List.of(dir.resolve("stdout.log.2"), dir.resolve("stdout.log.1"), log)) {
            assertTrue(Files.size(f) <= 200, f + " is " + Files.size(f) + " bytes");
            for (LogRecord r : records(f)) {
                assertFalse(r.time().equals(Instant.EPOCH), "every line of " + f + " is a whole record");
                kept.add(new String(r.content(), StandardCharsets.UTF_8).trim());
            }
        }
        assertEquals("line-029", kept.get(kept.size() - 1));
        int first = Integer.parseInt(kept.get(0).substring(5));
        for (int i = 0; i < kept.size(); i++) {
            assertEquals(String.format("line-%03d", first + i), kept.get(i), "the newest lines, in order, none missing");
        }
        assertTrue(kept.size() >= 9, "at least two full files and the current one: " + kept);
    }

    @Test
    void withOneFileTheOldLogIsDroppedAtTheLimit(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("stdout.pipe");
        Path log = dir.resolve("stdout.log");
        LineStamper.start(SETSID, LineStamper.PERL, "stdout", fifo, log, new LogRotation(100, 1));
        try (FileOutputStream w = new FileOutputStream(fifo.toFile(), true)) {
            for (int i = 0; i < 10; i++) {
                w.write(String.format("line-%03d%n", i).getBytes(StandardCharsets.UTF_8));
                w.flush();
            }
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(fifo));
        assertEquals(List.of(), LogRotation.rotatedFiles(log));
        assertTrue(Files.size(log) <= 100, Files.size(log) + " bytes");
        assertTrue(LogFileText.read(log).endsWith("line-009\n"), LogFileText.read(log));
    }
}
