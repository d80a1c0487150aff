package io.orch.raft.store;

import com.google.protobuf.Message;

/**
 * One change applied to the store, delivered to watchers in log order. {@code before} is null
 * for a create, {@code after} is null for a delete.
 */
public record StoreEvent(Type type, ObjectKind kind, Message before, Message after, long version) {
    public enum Type { CREATE, UPDATE, DELETE }

    /** The object as it is now, or as it was just before it was deleted. */
    public Message object() {
        return after != null ? after : before;
    }

    public String id() {
        return ObjectKind.id(object());
    }
}
