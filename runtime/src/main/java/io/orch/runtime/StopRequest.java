package io.orch.runtime;

import java.time.Duration;

/**
 * One {@link ContainerRuntime#stop} call with its defaults applied, so every driver reads the same
 * answer to "which signal first, and how long before SIGKILL": a null signal is SIGTERM, a null
 * grace the default stop grace, and a first SIGKILL gets no grace (it cannot be caught), only the
 * time the kernel needs.
 *
 * @param first the signal sent first
 * @param grace how long the task may take to end after a catchable first signal
 */
public record StopRequest(Signal first, Duration grace) {

    public static StopRequest of(Duration grace, Signal signal) {
        return new StopRequest(signal == null ? Signal.TERM : signal,
                grace == null ? TaskConfig.defaultStopGrace() : grace);
    }

    /** How long to wait after the first signal: {@code grace}, or {@code killWait} when the first signal is SIGKILL. */
    public Duration firstWait(Duration killWait) {
        return first.equals(Signal.KILL) ? killWait : grace;
    }
}
