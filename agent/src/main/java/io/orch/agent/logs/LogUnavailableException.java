package io.orch.agent.logs;

/** A task's logs cannot be read (its node is down or unreachable, its files unreadable); the message says why, for the user. */
public final class LogUnavailableException extends Exception {
    public LogUnavailableException(String message) {
        super(message);
    }
}
