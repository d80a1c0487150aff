package io.orch.raft.store;

import com.google.protobuf.Message;
import io.orch.api.proto.StoreAction;
import io.orch.api.proto.StoreCommand;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskStatus;

/**
 * Collects the changes of one transaction. Reads go to the state the transaction started from
 * ({@link #read()}); updates and deletes carry the version their object was read at, and the
 * whole transaction is rejected at apply time if any of those objects changed meanwhile
 * (optimistic concurrency, identical on every replica).
 */
public final class WriteTx {
    /**
     * How many bytes of objects one transaction should carry. A transaction is one Raft entry:
     * every replica holds it in memory, fsyncs it and sends it to each follower in one message,
     * so writers that could make a large batch (the orchestrator creating replicas, the scheduler
     * placing them) stop at {@link #full()} and write the rest in the next transaction. Well below
     * the log segment size and gRPC's message limit.
     */
    public static final int ENTRY_BUDGET_BYTES = 2 << 20;

    private final ReadTx read;
    private final StoreCommand.Builder command = StoreCommand.newBuilder();
    private long bytes;

    WriteTx(ReadTx read) {
        this.read = read;
    }

    public ReadTx read() {
        return read;
    }

    /** Adds a new object; its id must be set (see {@link Ids#newId()}). */
    public void create(Message object) {
        add(StoreAction.Kind.CREATE, object, 0);
    }

    /** Replaces an object read earlier; rejected if it changed since (its Version.Index). */
    public void update(Message object) {
        add(StoreAction.Kind.UPDATE, object, ObjectKind.version(object));
    }

    /** Replaces an object whatever its current version (for objects only this writer changes). */
    public void overwrite(Message object) {
        add(StoreAction.Kind.UPDATE, object, 0);
    }

    /** Removes an object read earlier; rejected if it changed since. Removing a missing object is a no-op. */
    public void delete(Message object) {
        add(StoreAction.Kind.DELETE, object, ObjectKind.version(object));
    }

    /**
     * Replaces only the status of a task, and only if the new state is not behind the current one.
     * Never conflicts: a worker's report must not be lost because the manager changed the task.
     */
    public void updateTaskStatus(String taskId, TaskStatus status) {
        add(StoreAction.Kind.TASK_STATUS, Task.newBuilder().setId(taskId).setStatus(status).build(), 0);
    }

    public boolean isEmpty() {
        return command.getActionsCount() == 0;
    }

    public int size() {
        return command.getActionsCount();
    }

    /** The serialized size of the objects written so far. */
    public long bytes() {
        return bytes;
    }

    /** The transaction has used its entry budget: a batch writer should stop adding and commit. */
    public boolean full() {
        return bytes >= ENTRY_BUDGET_BYTES;
    }

    private void add(StoreAction.Kind kind, Message object, long expectedVersion) {
        bytes += object.getSerializedSize(); // memoized by protobuf: serializing the entry later reuses it
        command.addActions(StoreAction.newBuilder().setKind(kind).setObject(ObjectKind.wrap(object)));
        command.addExpectedVersions(expectedVersion);
    }

    StoreCommand build(long nowMillis) {
        return command.setProposedAtMillis(nowMillis).build();
    }
}
