package io.orch.runtime.process;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An exec wrapper that gives a command default dispositions for every signal and an empty signal
 * mask, whatever the agent's are, before it exec's the command.
 *
 * <p>Why it is needed: exec resets caught signals to default but keeps ignored ones ignored, and
 * keeps the mask. An agent started with {@code nohup} or {@code &} from a script ignores SIGHUP
 * and SIGINT, so its tasks did too and {@code --stop-signal SIGINT} never stopped them. The JDK
 * adds its own: the children of a ProcessBuilder start with SIGQUIT blocked (HotSpot blocks it in
 * Java threads) and with signals 32 and 33 ignored, and it offers no way to reset either.
 *
 * <p>Why perl: it is Debian's perl-base, an Essential package, so every Debian host has it, and its
 * POSIX module reaches sigaction and sigprocmask. A shell cannot do it: POSIX has a non-interactive
 * shell ignore {@code trap - INT} for a signal that was ignored on entry. coreutils' {@code env
 * --default-signal} resets dispositions but cannot unblock the mask. glibc refuses sigaction on 32
 * and 33 (it keeps them for itself), so for those the script calls rt_sigaction directly with an
 * all-zero struct (SIG_DFL, no flags, empty mask), where it knows the syscall number. The exit codes
 * of a failed exec are a shell's: 127 not found, 126 not executable.
 */
final class CleanSignals {
    static final Path PERL = Path.of("/usr/bin/perl");

    static final String SCRIPT = """
            use POSIX ();
            my $dfl = POSIX::SigAction->new('DEFAULT');
            my %rt_sigaction = (x86_64 => 13, aarch64 => 134, riscv64 => 134);
            my $nr = $rt_sigaction{(POSIX::uname())[4]};
            for my $sig (1 .. 64) {
                next if $sig == 9 || $sig == 19;
                next if POSIX::sigaction($sig, $dfl);
                syscall($nr, $sig, my $act = "\\0" x 32, 0, 8) if defined $nr;
            }
            POSIX::sigprocmask(POSIX::SIG_SETMASK(), POSIX::SigSet->new) or die "sigprocmask: $!\\n";
            exec { $ARGV[0] } @ARGV;
            print STDERR "cannot execute $ARGV[0]: $!\\n";
            exit($! == POSIX::ENOENT() ? 127 : 126);
            """;

    private CleanSignals() {}

    /** {@code perl -e SCRIPT -- argv...}: "--" keeps perl from reading an argv that starts with '-'. */
    static List<String> wrap(Path perl, List<String> argv) {
        List<String> wrapped = new ArrayList<>(List.of(perl.toString(), "-e", SCRIPT, "--"));
        wrapped.addAll(argv);
        return wrapped;
    }
}
