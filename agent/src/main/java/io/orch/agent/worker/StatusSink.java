package io.orch.agent.worker;

import io.orch.api.proto.TaskStatus;

import java.time.Duration;

/** Where the worker sends task status: the local store, or a manager through the dispatcher. */
public interface StatusSink {
    /** Queues the status of a task; a later report of the same task may replace an unsent one. */
    void report(String taskId, TaskStatus status);

    /** Waits (bounded) until everything reported so far has left this node; used on shutdown. */
    default void flush(Duration timeout) {
    }
}
