package io.orch.raft.store;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Message;
import io.orch.api.proto.StoreAction;
import io.orch.api.proto.StoreCommand;
import io.orch.api.proto.StoreObject;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskStatus;

/**
 * Collects the changes of one transaction. Reads go to the state the transaction started from
 * ({@link #read()}); updates and deletes carry the version their object was read at, and the
 * whole transaction is rejected at apply time if any of those objects changed meanwhile
 * (optimistic concurrency, identical on every replica).
 *
 * <p>Sizes: a transaction is one Raft entry, which every replica holds in memory, fsyncs and sends
 * to each follower in one message; an entry Ratis cannot take makes its leader step down, and the
 * client retrying it knocked every new leader down in turn while all other writes waited. So the
 * store refuses, before anything is proposed and whatever the proposer, an object over
 * {@link #OBJECT_MAX_BYTES} and a transaction over {@link #ENTRY_MAX_BYTES}
 * ({@link TooLargeException}). Batch writers stop at {@link #full()}, {@link #ENTRY_BUDGET_BYTES}:
 * a batch is then under the budget plus one object, well within the entry cap.
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
    /**
     * The most one object (a service, task, secret, config, node, network or the cluster) may weigh
     * serialised: under the largest config data Docker allows (1000 KiB) with room for its spec,
     * and small enough that a batch stopped at {@link #full()} stays within {@link #ENTRY_MAX_BYTES}
     * (budget + one object + the actions' framing). swarmkit refuses a whole transaction over 1.5 MB.
     */
    public static final int OBJECT_MAX_BYTES = 1 << 20;
    /**
     * The most one transaction (one Raft entry) may weigh serialised. Ratis' own limits are set
     * above it with margin (the largest log entry, the write buffer, gRPC's message size: see
     * RatisProperties).
     */
    public static final int ENTRY_MAX_BYTES = 4 << 20;

    private final ReadTx read;
    private final StoreCommand.Builder command = StoreCommand.newBuilder();
    private long bytes;
    /** The first object over {@link #OBJECT_MAX_BYTES}: the transaction will not be proposed. */
    private TooLargeException refused;

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

    /**
     * Removes an object read earlier; rejected if it changed since. Removing a missing object is a
     * no-op. The entry carries only the object's id (applying a delete reads nothing else): an
     * object stored before the size caps, or at them, can always be removed, and deletes weigh
     * next to nothing in a batch.
     */
    public void delete(Message object) {
        var id = object.getDescriptorForType().findFieldByNumber(1);
        Message idOnly = object.getDefaultInstanceForType().toBuilder().setField(id, ObjectKind.id(object)).build();
        add(StoreAction.Kind.DELETE, idOnly, ObjectKind.version(object));
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

    /**
     * The serialized size of the changes written so far: the objects and the framing of their
     * actions, within a few bytes of the entry's size.
     */
    public long bytes() {
        return bytes;
    }

    /**
     * The transaction has used its entry budget, or will be refused for an object too large: a
     * batch writer should stop adding and commit.
     */
    public boolean full() {
        return refused != null || bytes >= ENTRY_BUDGET_BYTES;
    }

    private void add(StoreAction.Kind kind, Message object, long expectedVersion) {
        StoreObject wrapped = ObjectKind.wrap(object);
        int size = object.getSerializedSize(); // memoized by protobuf: serializing the entry later reuses it
        if (size > OBJECT_MAX_BYTES) {
            // refused when the transaction is built, so a body that goes on adding proposes nothing
            if (refused == null) {
                refused = TooLargeException.object(ObjectKind.of(wrapped), object, size);
            }
            return;
        }
        StoreAction action = StoreAction.newBuilder().setKind(kind).setObject(wrapped).build();
        bytes += CodedOutputStream.computeMessageSize(StoreCommand.ACTIONS_FIELD_NUMBER, action)
                + CodedOutputStream.computeUInt64SizeNoTag(expectedVersion);
        command.addActions(action);
        command.addExpectedVersions(expectedVersion);
    }

    /**
     * The entry to propose. Throws if an object or the whole is over its cap; checked here, in the
     * store, so no proposer ever sees such an entry. (Not at apply time: entries committed before
     * the caps existed must still apply alike on every replica.)
     */
    StoreCommand build(long nowMillis) throws TooLargeException {
        if (refused != null) {
            throw refused;
        }
        StoreCommand built = command.setProposedAtMillis(nowMillis).build();
        int size = built.getSerializedSize();
        if (size > ENTRY_MAX_BYTES) {
            throw TooLargeException.entry(built.getActionsCount(), size);
        }
        return built;
    }
}
