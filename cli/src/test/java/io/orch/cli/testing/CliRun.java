package io.orch.cli.testing;

import io.orch.cli.CliEnvironment;
import io.orch.cli.DirectLaunch;
import io.orch.cli.OrchCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Runs the CLI in-process with captured stdout/stderr, no TTY and a fixed clock, as bin/orch runs
 * the same arguments: a hot command without picocli when {@link DirectLaunch} reads it, else on
 * the command tree bin/orch builds ({@link OrchCli#commandLineFor}: the command named, hand-built
 * for the hot ones).
 */
public record CliRun(int exitCode, String out, String err) {
    public static final Instant NOW = Instant.parse("2025-01-01T12:00:00Z");

    public static CliRun run(String... args) {
        return run(Map.of(), args);
    }

    public static CliRun run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CliEnvironment e = new CliEnvironment(env, false, Clock.fixed(NOW, ZoneOffset.UTC));
        PrintWriter o = new PrintWriter(out, true);
        PrintWriter r = new PrintWriter(err, true);
        Integer direct = DirectLaunch.run(o, r, e, args);
        int code = direct != null ? direct : OrchCli.commandLineFor(o, r, e, args).execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }

    public List<String> errLines() {
        return err.isEmpty() ? List.of() : Arrays.asList(err.split("\n"));
    }

    public List<String> outLines() {
        return out.isEmpty() ? List.of() : Arrays.asList(out.split("\n"));
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
    }
}
