package io.orch.runtime.logs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The small process that gives every line of a task's output its own time: it reads the task's
 * stdout (or stderr) from a named pipe and appends each line to the log file as a
 * {@link LogRecord} stamped with the time it was received.
 *
 * <p>Why a process of its own, and not the agent: tasks outlive the agent (an agent restart, an
 * upgrade), and their output must still be captured, and timed, while no agent runs. So the
 * stamper belongs to the task's own session (the runc shim's, or a session of its own next to a
 * process-runtime task), holds the only read end of the pipe, and exits when the last writer
 * (the task and everything it forked) has closed it.
 *
 * <p>Why perl: perl-base is Essential on Debian hosts, and Time::HiRes gives microseconds. The
 * script opens the pipe non-blocking so opening never hangs, then waits with select (Linux reports
 * a FIFO neither readable nor hung up before its first writer), stamps each read once, splits
 * lines longer than {@link LogRecord#MAX_LINE} bytes into partial records as Docker does, and
 * writes a last line that lacks its newline as a partial record at the end.
 *
 * <p>Rotation (Docker's max-size and max-file): before a record would take the file past the
 * maximum size, the file is renamed {@code LOG.1} (older ones move up, the one past max-file is
 * overwritten), or with a single file removed once its successor exists, and a new one started. Records are never split
 * across files, so every file starts and ends on a whole record. See {@link LogRotation} for
 * how readers follow this.
 */
public final class LineStamper {
    public static final Path PERL = Path.of("/usr/bin/perl");
    private static final long READY_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);

    /** Arguments: stream name (stdout|stderr), the FIFO to read, the log file to append to, max bytes (0: no rotation), max files. */
    public static final String SCRIPT = """
            use strict;
            use POSIX qw(strftime EAGAIN EINTR);
            use Fcntl qw(O_RDONLY O_NONBLOCK O_WRONLY O_APPEND O_CREAT);
            use Time::HiRes qw(gettimeofday);
            $SIG{HUP} = $SIG{INT} = $SIG{PIPE} = 'IGNORE';
            my ($stream, $fifo, $log, $max_bytes, $max_files) = @ARGV;
            $max_bytes ||= 0;
            $max_files ||= 1;
            sysopen(my $in, $fifo, O_RDONLY | O_NONBLOCK) or die "orch log stamper: $fifo: $!\\n";
            my $ino = (stat($in))[1];
            my $out;
            sub open_log { sysopen($out, $log, O_WRONLY | O_APPEND | O_CREAT, 0640) or die "orch log stamper: $log: $!\\n"; }
            open_log();
            my $size = (stat($out))[7];
            sub rotate {
                close($out);
                if ($max_files > 1) {
                    for (my $i = $max_files - 1; $i >= 1; $i--) {
                        my $from = $i == 1 ? $log : "$log." . ($i - 1);
                        rename($from, "$log.$i") if -e $from;
                    }
                    open_log();
                } else {
                    # renamed away and removed only once the new file exists: a new file made
                    # after the old one's inode is freed could get the same inode, and readers
                    # tell a rotation by the inode
                    rename($log, "$log.1");
                    open_log();
                    unlink("$log.1");
                }
                $size = 0;
            }
            syswrite(STDOUT, "ready\\n");
            close(STDOUT);
            my $max = MAX_LINE;
            sub stamp { my ($s, $us) = gettimeofday(); strftime('%Y-%m-%dT%H:%M:%S', gmtime($s)) . sprintf('.%06d000Z', $us) }
            sub put {
                my ($r) = @_;
                rotate() if $max_bytes > 0 && $size > 0 && $size + length($r) > $max_bytes;
                $size += length($r);
                while (length $r) {
                    my $w = syswrite($out, $r);
                    if (!defined $w) { next if $! == EINTR; return; }
                    substr($r, 0, $w, '');
                }
            }
            my $rin = '';
            vec($rin, fileno($in), 1) = 1;
            my $buf = '';
            while (1) {
                select(my $ready = $rin, undef, undef, undef);
                my $n = sysread($in, my $chunk, 65536);
                if (!defined $n) { next if $! == EAGAIN || $! == EINTR; last; }
                last if $n == 0;
                $buf .= $chunk;
                my $t = stamp();
                while (1) {
                    my $i = index($buf, "\\n");
                    if ($i >= 0 && $i < $max) { put("$t $stream F " . substr($buf, 0, $i + 1, '')); next; }
                    if (length($buf) >= $max) { put("$t $stream P " . substr($buf, 0, $max, '') . "\\n"); next; }
                    last;
                }
            }
            put(stamp() . " $stream P $buf\\n") if length $buf;
            unlink($fifo) if ((stat($fifo))[1] // -1) == $ino; # unless a newer start made a new one
            """.replace("MAX_LINE", Integer.toString(LogRecord.MAX_LINE));

    private LineStamper() {}

    /** {@code perl -e SCRIPT stream fifo log}. */
    public static List<String> command(Path perl, String stream, Path fifo, Path log, LogRotation rotation) {
        return List.of(perl.toString(), "-e", SCRIPT, stream, fifo.toString(), log.toString(),
                Long.toString(rotation.maxBytes()), Integer.toString(rotation.maxFiles()));
    }

    /**
     * For a task the JVM starts itself (the process runtime): makes {@code fifo}, starts a stamper
     * on it in a session of its own (it must survive the agent), and returns once the stamper
     * holds the read end, so that opening the FIFO for writing does not block.
     */
    public static void start(Path setsid, Path perl, String stream, Path fifo, Path log, LogRotation rotation) throws IOException {
        Files.deleteIfExists(fifo);
        mkfifo(fifo);
        // --fork: setsid forks the stamper and exits at once, so the stamper is not the JVM's child.
        // A child costs the JVM a reaper thread for its whole life: two per task, 400 threads at
        // 200 process tasks, for processes whose exit status nobody needs.
        List<String> argv = new java.util.ArrayList<>(List.of(setsid.toString(), "--fork"));
        argv.addAll(command(perl, stream, fifo, log, rotation));
        // Its "ready" goes to a file: the JDK closes a child's stdout pipe once the child (setsid) exits.
        Path ready = fifo.resolveSibling(fifo.getFileName() + ".ready");
        Files.deleteIfExists(ready);
        Process p = new ProcessBuilder(argv)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(ready.toFile())
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        try {
            awaitReady(p, fifo, ready);
        } finally {
            Files.deleteIfExists(ready);
        }
    }

    private static void mkfifo(Path fifo) throws IOException {
        Process p = new ProcessBuilder("mkfifo", "-m", "600", fifo.toString())
                .redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readNBytes(4096));
            if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException("mkfifo " + fifo + " failed: " + out.trim());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted making " + fifo, e);
        }
    }

    private static void awaitReady(Process p, Path fifo, Path ready) throws IOException {
        long deadline = System.nanoTime() + READY_WAIT_NANOS;
        while (System.nanoTime() < deadline) {
            if (Files.size(ready) > 0) {
                return; // "ready": it has the pipe open for reading
            }
            if (!p.isAlive() && p.exitValue() != 0) { // setsid itself failed; 0: it forked the stamper
                throw new IOException("log stamper for " + fifo + " exited with " + p.exitValue());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        // the stamper died before it was ready, or hangs (its pid is not ours to know: it was forked)
        throw new IOException("log stamper for " + fifo + " did not start within 5s");
    }
}
