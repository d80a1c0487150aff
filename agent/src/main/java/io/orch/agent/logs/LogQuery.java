package io.orch.agent.logs;

import io.orch.api.model.Times;
import io.orch.api.proto.TailRequest;

import java.time.Instant;

/**
 * What a logs reader asks for, the same for a node's own files and another node's: which streams,
 * whether to follow, how many lines (of both streams together) to start with, and the time window.
 *
 * @param tail  lines per task (its streams merged in time order) to start with; negative for all, 0 for only what comes next
 * @param since only lines timed at or after this, or null
 * @param until only lines timed at or before this, or null; a follower stops once it has passed
 */
public record LogQuery(boolean stdout, boolean stderr, boolean follow, int tail, Instant since, Instant until,
                       boolean timestamps) {

    /** Whether a line timed {@code time} is inside the window. */
    public boolean admits(Instant time) {
        return (since == null || !time.isBefore(since)) && (until == null || !time.isAfter(until));
    }

    /** Whether a follower at {@code now} can still see lines inside the window. */
    public boolean openAt(Instant now) {
        return until == null || !now.isAfter(until);
    }

    public TailRequest toRequest(String taskId) {
        TailRequest.Builder b = TailRequest.newBuilder().setTaskId(taskId).setStdout(stdout).setStderr(stderr)
                .setFollow(follow).setTail(tail).setTimestamps(timestamps);
        if (since != null) {
            b.setSince(Times.timestamp(since));
        }
        if (until != null) {
            b.setUntil(Times.timestamp(until));
        }
        return b.build();
    }

    public static LogQuery of(TailRequest r) {
        int tail = (int) Math.max(-1, Math.min(Integer.MAX_VALUE, r.getTail()));
        return new LogQuery(r.getStdout(), r.getStderr(), r.getFollow(), tail,
                r.hasSince() ? Times.instant(r.getSince()) : null, r.hasUntil() ? Times.instant(r.getUntil()) : null, r.getTimestamps());
    }
}
