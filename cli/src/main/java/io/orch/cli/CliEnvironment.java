package io.orch.cli;

import java.time.Clock;
import java.util.Map;

/**
 * What the CLI takes from the process around it, injectable for tests: environment variables,
 * whether stdout is a terminal (progress redraws in place only then) and the clock (relative
 * times in {@code service ps}).
 */
public record CliEnvironment(Map<String, String> env, boolean terminal, Clock clock) {
    public static CliEnvironment system() {
        return new CliEnvironment(System.getenv(), System.console() != null, Clock.systemUTC());
    }

    public String get(String name) {
        return env.get(name);
    }
}
