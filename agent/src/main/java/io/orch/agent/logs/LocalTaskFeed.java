package io.orch.agent.logs;

import java.io.IOException;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/** A task that ran on this node: its files, read in the caller's thread. */
public final class LocalTaskFeed implements TaskLogFeed {
    private final TaskLogReader reader;
    private final LogQuery query;
    private final String taskId;
    private LineSink sink;

    public LocalTaskFeed(TaskLogReader reader, LogQuery query, String taskId) {
        this.reader = reader;
        this.query = query;
        this.taskId = taskId;
    }

    @Override
    public void readAll(LineSink sink, BooleanSupplier wanted) throws LogUnavailableException {
        try {
            reader.readExisting(sink);
        } catch (IOException e) {
            throw unreadable(e);
        }
    }

    @Override
    public void follow(LineSink sink, BooleanSupplier ready, Consumer<String> onError) throws LogUnavailableException {
        this.sink = sink;
        readAll(sink, () -> true);
    }

    @Override
    public void poll(Instant now, boolean ready) throws LogUnavailableException {
        if (!ready || !query.openAt(now)) {
            return;
        }
        try {
            reader.readNew(now, LogFollowers.MAX_BYTES_PER_POLL, sink);
        } catch (IOException e) {
            throw unreadable(e);
        }
    }

    private LogUnavailableException unreadable(IOException e) {
        return new LogUnavailableException("reading the output of task " + taskId + " failed: " + e.getMessage());
    }

    @Override
    public boolean done(Instant now) {
        return !query.openAt(now);
    }

    @Override
    public void close() {
        // nothing held open between reads
    }
}
