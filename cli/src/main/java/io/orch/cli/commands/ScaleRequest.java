package io.orch.cli.commands;

import io.orch.cli.parse.InvalidValueException;

/** One {@code SERVICE=REPLICAS} argument of {@code service scale}, checked before anything is sent. */
record ScaleRequest(String service, long replicas) {
    static ScaleRequest parse(String arg) {
        int eq = arg.lastIndexOf('=');
        if (eq <= 0) throw new InvalidValueException("invalid scale specifier '" + arg + "': expected SERVICE=REPLICAS");
        String value = arg.substring(eq + 1);
        long replicas;
        try {
            replicas = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new InvalidValueException("invalid replicas value '" + value + "' in '" + arg + "': must be a non-negative integer");
        }
        if (replicas < 0) throw new InvalidValueException("invalid replicas value '" + value + "' in '" + arg + "': must be a non-negative integer");
        return new ScaleRequest(arg.substring(0, eq), replicas);
    }
}
