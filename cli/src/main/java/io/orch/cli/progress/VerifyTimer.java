package io.orch.cli.progress;

/**
 * "Converged" must hold for a whole verification period (docker's update monitor) before we
 * say so, because a task that starts and then crashes at once would otherwise look fine.
 */
public final class VerifyTimer {
    private final long periodNanos;
    private long since = Long.MIN_VALUE;

    public VerifyTimer(long periodNanos) {
        this.periodNanos = periodNanos;
    }

    /** Service UpdateConfig.Monitor if set, else 1 s; never more than 5 s. */
    public static long periodFor(long monitorNanos) {
        long oneSecond = 1_000_000_000L;
        if (monitorNanos <= 0) return oneSecond;
        return Math.min(monitorNanos, 5 * oneSecond);
    }

    /** @return true once {@code converged} has held continuously for the whole period */
    public boolean observe(long nowNanos, boolean converged) {
        if (!converged) {
            since = Long.MIN_VALUE;
            return false;
        }
        if (since == Long.MIN_VALUE) since = nowNanos;
        return nowNanos - since >= periodNanos;
    }

    public boolean verifying() {
        return since != Long.MIN_VALUE;
    }
}
