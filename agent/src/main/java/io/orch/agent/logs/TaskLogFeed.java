package io.orch.agent.logs;

import java.time.Instant;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * One task's lines for one logs request, wherever the task ran: this node's files
 * ({@link LocalTaskFeed}) or another node's, through its {@code NodeLogs} service
 * ({@link RemoteTaskFeed}). Used either once with {@link #readAll} (no follow) or with
 * {@link #follow} and then {@link #poll} until {@link #close}.
 */
public interface TaskLogFeed extends AutoCloseable {
    /** Without follow: every line asked for, in order, blocking the caller; stops early once {@code wanted} turns false. */
    void readAll(LineSink sink, BooleanSupplier wanted) throws LogUnavailableException;

    /**
     * With follow: starts. A local feed hands over what is there now and then new lines on each
     * {@link #poll}; a remote one hands over lines as they arrive, on a gRPC thread.
     *
     * @param ready   whether the receiver takes more now (a remote feed asks for more only then)
     * @param onError called once if the feed breaks later, with the reason for the user
     */
    void follow(LineSink sink, BooleanSupplier ready, Consumer<String> onError) throws LogUnavailableException;

    /** One follow step: a local feed reads what its files gained; a remote one resumes if it paused for a slow receiver. */
    void poll(Instant now, boolean ready) throws LogUnavailableException;

    /** Nothing more will come (the {@code until} bound has passed, or the remote stream ended). */
    boolean done(Instant now);

    @Override
    void close();
}
