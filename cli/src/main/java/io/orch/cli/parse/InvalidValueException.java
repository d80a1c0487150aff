package io.orch.cli.parse;

/**
 * A value the user typed could not be understood. The message is the short reason only
 * ("invalid size"); the caller adds the flag name and the value, so every error reads the same:
 * {@code invalid argument "12xb" for "--limit-memory": invalid size}.
 */
public class InvalidValueException extends IllegalArgumentException {
    public InvalidValueException(String reason) {
        super(reason);
    }
}
