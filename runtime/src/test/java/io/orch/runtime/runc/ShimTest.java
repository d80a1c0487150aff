package io.orch.runtime.runc;

import io.orch.runtime.TaskConfig;
import io.orch.runtime.logs.LogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The perl shim of a container with kept output and no terminal, around a stand-in for runc (a
 * shell script that does what runc's caller sees: writes the pid file, prints, exits), so that
 * what the shim itself does is tested without root.
 */
class ShimTest {
    /** Records its arguments and ignored signals, writes the pid file as runc does (by a rename), prints, exits. */
    private static Path standInRunc(Path dir, String ending) throws Exception {
        Path runc = dir.resolve("runc");
        Files.writeString(runc, """
                #!/bin/sh
                # --root R run --keep --bundle B --pid-file P ID
                echo "$@" > "$6/argv"
                grep SigIgn /proc/self/status > "$6/sigign"
                echo $$ > "$8.tmp" && mv "$8.tmp" "$8"
                echo out line
                echo err line >&2
                """ + ending + "\n");
        Files.setPosixFilePermissions(runc, PosixFilePermissions.fromString("rwxr-xr-x"));
        return runc;
    }

    private static List<LogRecord> records(Path log) throws Exception {
        return Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                .map(l -> LogRecord.parse((l + "\n").getBytes(StandardCharsets.UTF_8), Instant.EPOCH)).toList();
    }

    private static Path launch(Path dir, Path runc) throws Exception {
        Path bundle = Files.createDirectories(dir.resolve("bundle"));
        Shim.launch(new RuncBinary(runc, dir.resolve("state")), bundle, "orch-t1", bundle.resolve("stdout.log"),
                bundle.resolve("stderr.log"), false, TaskConfig.Logs.FILES).waitFor();
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(bundle.resolve(Shim.EXIT_FILE)));
        return bundle;
    }

    @Test
    void runsRuncWithItsArgumentsStampsBothStreamsAndKeepsTheExitCode(@TempDir Path dir) throws Exception {
        Path bundle = launch(dir, standInRunc(dir, "exit 3"));

        assertEquals(Integer.valueOf(3), Shim.exitCode(bundle).orElseThrow());
        assertEquals("--root " + dir.resolve("state") + " run --keep --bundle " + bundle + " --pid-file "
                + bundle.resolve(Shim.PID_FILE) + " orch-t1", Files.readString(bundle.resolve("argv")).trim());
        assertTrue(Shim.containerPid(bundle).isPresent());
        assertTrue(Shim.shimPid(bundle).isPresent());
        List<LogRecord> out = records(bundle.resolve("stdout.log"));
        List<LogRecord> err = records(bundle.resolve("stderr.log"));
        assertEquals(1, out.size(), out.toString());
        assertEquals("out line\n", new String(out.get(0).content(), StandardCharsets.UTF_8));
        assertEquals(1, err.size(), err.toString());
        assertEquals("err line\n", new String(err.get(0).content(), StandardCharsets.UTF_8));
        assertTrue(out.get(0).time().isAfter(Instant.now().minusSeconds(60)), "stamped with the time it arrived");
    }

    @Test
    void runcKilledBySignalNIsExitCode128PlusNAsTheShellWouldSay(@TempDir Path dir) throws Exception {
        Path bundle = launch(dir, standInRunc(dir, "kill -TERM $$"));

        assertEquals(Integer.valueOf(128 + 15), Shim.exitCode(bundle).orElseThrow());
    }

    @Test
    void runcDoesNotInheritTheSignalsTheStamperIgnores(@TempDir Path dir) throws Exception {
        Path bundle = launch(dir, standInRunc(dir, "exit 0"));

        // SigIgn is a hex mask: HUP (1), INT (2) and PIPE (13) are bits 0, 1 and 12
        long ignored = Long.parseLong(Files.readString(bundle.resolve("sigign")).replace("SigIgn:", "").trim(), 16);
        assertEquals(0, ignored & ((1L << 0) | (1L << 1) | (1L << 12)), "ignored: " + Long.toHexString(ignored));
    }
}
