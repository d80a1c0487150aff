package io.orch.runtime.logs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The small process that gives every line of a task's output its own time: it reads the task's
 * stdout and stderr from named pipes and appends each line to that stream's log file as a
 * {@link LogRecord} stamped with the time it was received. One process serves both streams of a
 * task (select over the two pipes).
 *
 * <p>Why a process of its own, and not the agent: tasks outlive the agent (an agent restart, an
 * upgrade), and their output must still be captured, and timed, while no agent runs. So the
 * stamper belongs to the task's own session (the runc shim's, or a session of its own next to a
 * process-runtime task), holds the only read ends of the pipes, and exits when the last writer
 * of each (the task and everything it forked) has closed it.
 *
 * <p>Why perl: perl-base is Essential on Debian hosts. It starts once per task, so what it loads
 * is part of every task start: no POSIX (about 9 ms of CPU to load) and no Time::HiRes (about
 * 5 ms): the time comes from the gettimeofday system call ({@link #GETTIMEOFDAY}, Time::HiRes only
 * where that number is not known), is formatted with gmtime, and errno is looked at through
 * {@code %!} only on an error. The script opens each pipe non-blocking so opening never hangs,
 * then waits with select (Linux reports a FIFO neither readable nor hung up before its first
 * writer), stamps each read once, splits lines longer than {@link LogRecord#MAX_LINE} bytes into
 * partial records as Docker does, and writes a stream's last line that lacks its newline as a
 * partial record at that stream's end.
 *
 * <p>Rotation (Docker's max-size and max-file), per stream: before a record would take the file
 * past the maximum size, the file is renamed {@code LOG.1} (older ones move up, the one past
 * max-file is overwritten), or with a single file removed once its successor exists, and a new
 * one started. Records are never split across files, so every file starts and ends on a whole
 * record. See {@link LogRotation} for how readers follow this.
 */
public final class LineStamper {
    public static final Path PERL = Path.of("/usr/bin/perl");
    private static final long READY_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);

    /** One stream a stamper serves: its name in the records (stdout|stderr), the FIFO it reads, the log it appends to. */
    public record Stream(String name, Path fifo, Path log) {}

    /**
     * The number of the gettimeofday system call on this machine's architecture (Linux), or 0
     * where it is not known here: the script then loads Time::HiRes.
     */
    public static final int GETTIMEOFDAY = switch (System.getProperty("os.arch", "")) {
        case "amd64", "x86_64" -> 96;
        case "aarch64", "riscv64" -> 169; // the generic syscall table
        default -> 0;
    };

    /**
     * Arguments: max bytes (0: no rotation), max files, the gettimeofday syscall number (0: use
     * Time::HiRes), then for each stream its name, the FIFO to read and the log file to append to.
     */
    public static final String SCRIPT = prelude() + fifoStreams() + stampLoop();

    /**
     * The script's start: the common arguments (max bytes, max files, the gettimeofday number; the
     * rest left in {@code @args}) and {@code add_stream}, which takes a stream's {name, in, log}
     * (in: a handle open for reading) and opens its log.
     */
    private static String prelude() {
        return """
            use strict;
            use Fcntl qw(O_RDONLY O_NONBLOCK O_WRONLY O_APPEND O_CREAT);
            my ($max_bytes, $max_files, $gtod, @args) = @ARGV;
            $max_bytes ||= 0;
            $max_files ||= 1;
            my $max = MAX_LINE;
            sub open_log { my ($s) = @_; sysopen($s->{out}, $s->{log}, O_WRONLY | O_APPEND | O_CREAT, 0640) or die "orch log stamper: $s->{log}: $!\\n"; }
            my @streams;
            my $rin = '';
            sub add_stream {
                my ($s) = @_;
                open_log($s);
                $s->{size} = (stat($s->{out}))[7];
                $s->{buf} = '';
                vec($rin, fileno($s->{in}), 1) = 1;
                push @streams, $s;
            }
            """.replace("MAX_LINE", Integer.toString(LogRecord.MAX_LINE));
    }

    /** The stamper's own streams: (name, fifo, log) triples in {@code @args}, each FIFO opened non-blocking. */
    private static String fifoStreams() {
        return """
            while (@args >= 3) {
                my %s;
                @s{qw(name fifo log)} = splice(@args, 0, 3);
                sysopen($s{in}, $s{fifo}, O_RDONLY | O_NONBLOCK) or die "orch log stamper: $s{fifo}: $!\\n";
                $s{ino} = (stat($s{in}))[1];
                add_stream(\\%s);
            }
            """;
    }

    /**
     * Stamps what {@code @streams} deliver until every one has ended; first says "ready" on
     * stdout and closes it. A stream with a {@code fifo} removes it at its end.
     */
    private static String stampLoop() {
        return """
            $SIG{HUP} = $SIG{INT} = $SIG{PIPE} = 'IGNORE';
            sub rotate {
                my ($s) = @_;
                my $log = $s->{log};
                close($s->{out});
                if ($max_files > 1) {
                    for (my $i = $max_files - 1; $i >= 1; $i--) {
                        my $from = $i == 1 ? $log : "$log." . ($i - 1);
                        rename($from, "$log.$i") if -e $from;
                    }
                    open_log($s);
                } else {
                    # renamed away and removed only once the new file exists: a new file made
                    # after the old one's inode is freed could get the same inode, and readers
                    # tell a rotation by the inode
                    rename($log, "$log.1");
                    open_log($s);
                    unlink("$log.1");
                }
                $s->{size} = 0;
            }
            syswrite(STDOUT, "ready\\n");
            close(STDOUT);
            sub stamp {
                my ($sec, $us);
                if ($gtod) {
                    my $tv = pack('q2', 0, 0);
                    ($sec, $us) = unpack('q2', $tv) if syscall($gtod, $tv, 0) == 0;
                }
                if (!defined $sec) { require Time::HiRes; ($sec, $us) = Time::HiRes::gettimeofday(); }
                my @t = gmtime($sec);
                sprintf('%04d-%02d-%02dT%02d:%02d:%02d.%06d000Z', $t[5] + 1900, $t[4] + 1, @t[3, 2, 1, 0], $us);
            }
            sub put {
                my ($s, $r) = @_;
                rotate($s) if $max_bytes > 0 && $s->{size} > 0 && $s->{size} + length($r) > $max_bytes;
                $s->{size} += length($r);
                while (length $r) {
                    my $w = syswrite($s->{out}, $r);
                    if (!defined $w) { next if $!{EINTR}; return; }
                    substr($r, 0, $w, '');
                }
            }
            sub finish {
                my ($s) = @_;
                put($s, stamp() . " $s->{name} P $s->{buf}\\n") if length $s->{buf};
                vec($rin, fileno($s->{in}), 1) = 0;
                close($s->{in});
                $s->{in} = undef;
                # unless a newer start made a new one
                unlink($s->{fifo}) if defined $s->{fifo} && ((stat($s->{fifo}))[1] // -1) == $s->{ino};
            }
            while (grep { defined $_->{in} } @streams) {
                my $ready = $rin;
                if (select($ready, undef, undef, undef) < 0) { next if $!{EINTR}; last; }
                for my $s (@streams) {
                    next unless defined $s->{in} && vec($ready, fileno($s->{in}), 1);
                    my $n = sysread($s->{in}, my $chunk, 65536);
                    if (!defined $n) { next if $!{EAGAIN} || $!{EINTR}; $n = 0; }
                    if ($n == 0) { finish($s); next; }
                    $s->{buf} .= $chunk;
                    my $t = stamp();
                    while (1) {
                        my $i = index($s->{buf}, "\\n");
                        if ($i >= 0 && $i < $max) { put($s, "$t $s->{name} F " . substr($s->{buf}, 0, $i + 1, '')); next; }
                        if (length($s->{buf}) >= $max) { put($s, "$t $s->{name} P " . substr($s->{buf}, 0, $max, '') . "\\n"); next; }
                        last;
                    }
                }
            }
            finish($_) for grep { defined $_->{in} } @streams;
            """;
    }

    /**
     * A script that stamps streams it makes itself: {@code streams} is perl code run after the
     * common arguments are read (the rest are in {@code @args}) that calls {@code add_stream} for
     * each, and {@code after} runs once every stream has ended. How the runc shim supervises a
     * container and stamps its output in one process.
     */
    public static String scriptWith(String streams, String after) {
        return prelude() + streams + stampLoop() + after;
    }

    private LineStamper() {}

    /** {@code perl -e SCRIPT maxBytes maxFiles gettimeofday (name fifo log)...}. */
    public static List<String> command(Path perl, List<Stream> streams, LogRotation rotation) {
        List<String> argv = new ArrayList<>(List.of(perl.toString(), "-e", SCRIPT, Long.toString(rotation.maxBytes()),
                Integer.toString(rotation.maxFiles()), Integer.toString(GETTIMEOFDAY)));
        for (Stream s : streams) {
            argv.addAll(List.of(s.name(), s.fifo().toString(), s.log().toString()));
        }
        return argv;
    }

    /** {@link #start(Path, Path, List, LogRotation)} for one stream. */
    public static void start(Path setsid, Path perl, String stream, Path fifo, Path log, LogRotation rotation) throws IOException {
        start(setsid, perl, List.of(new Stream(stream, fifo, log)), rotation);
    }

    /**
     * For a task the JVM starts itself (the process runtime): makes the streams' FIFOs, starts
     * one stamper on them in a session of its own (it must survive the agent), and returns once
     * the stamper holds their read ends, so that opening a FIFO for writing does not block.
     */
    public static void start(Path setsid, Path perl, List<Stream> streams, LogRotation rotation) throws IOException {
        for (Stream s : streams) {
            Files.deleteIfExists(s.fifo());
        }
        mkfifo(streams.stream().map(Stream::fifo).toList());
        // --fork: setsid forks the stamper and exits at once, so the stamper is not the JVM's child.
        // A child costs the JVM a reaper thread for its whole life, for a process whose exit
        // status nobody needs.
        List<String> argv = new ArrayList<>(List.of(setsid.toString(), "--fork"));
        argv.addAll(command(perl, streams, rotation));
        // Its "ready" goes to a file: the JDK closes a child's stdout pipe once the child (setsid) exits.
        Path first = streams.get(0).fifo();
        Path ready = first.resolveSibling(first.getFileName() + ".ready");
        Files.deleteIfExists(ready);
        // its own errors (a FIFO it cannot open) go to the first stream's log
        Process p = new ProcessBuilder(argv)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(ready.toFile())
                .redirectError(ProcessBuilder.Redirect.appendTo(streams.get(0).log().toFile()))
                .start();
        try {
            awaitReady(p, first, ready);
        } finally {
            Files.deleteIfExists(ready);
        }
    }

    private static void mkfifo(List<Path> fifos) throws IOException {
        List<String> argv = new ArrayList<>(List.of("mkfifo", "-m", "600"));
        fifos.forEach(f -> argv.add(f.toString()));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readNBytes(4096));
            if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException("mkfifo " + fifos + " failed: " + out.trim());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted making " + fifos, e);
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
