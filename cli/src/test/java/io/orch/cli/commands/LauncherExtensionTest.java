package io.orch.cli.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.orch.cli.OrchCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Subcommands a launcher adds later (the agent's init/join) get the same exit codes and error lines. */
class LauncherExtensionTest {
    @Command(name = "init")
    static final class FakeInit implements Callable<Integer> {
        @Option(names = "--advertise-addr")
        String advertise;

        @Override
        public Integer call() {
            if ("bad".equals(advertise)) throw new IllegalStateException("cannot bind 10.0.0.1:2377: address in use");
            return 0;
        }
    }

    private record Result(int code, String out, String err) {}

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = OrchCli.commandLine(new PrintWriter(out, true), new PrintWriter(err, true));
        cl.addSubcommand("init", new FakeInit());
        return new Result(cl.execute(args), out.toString(), err.toString());
    }

    @Test
    void anAddedSubcommandRuns() {
        assertEquals(0, run("init", "--advertise-addr", "10.0.0.1").code());
    }

    @Test
    void itsFailuresAreOneLineExitOne() {
        Result r = run("init", "--advertise-addr", "bad");
        assertEquals(1, r.code());
        assertEquals("Error: cannot bind 10.0.0.1:2377: address in use\n", r.err());
    }

    @Test
    void itsUsageErrorsExitTwo() {
        Result r = run("init", "--nope");
        assertEquals(2, r.code());
        assertEquals("Error: unknown flag: --nope\n", r.err());
    }

    @Test
    void debugShowsTheStackTraceForIt() {
        Result r = run("--debug", "init", "--advertise-addr", "bad");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("IllegalStateException"), r.err());
    }
}
