package io.orch.agent.logging;

import org.slf4j.event.Level;

import java.time.Instant;

/**
 * One event as it is written.
 *
 * @param error   the throwable logged with it, or null
 * @param stack   whether its stack trace is written (ERROR, or the agent runs at debug or trace)
 */
record LogEvent(Instant time, Level level, String logger, String thread, String message, Throwable error, boolean stack) {
}
