package io.orch.raft.store;

import com.google.protobuf.Message;
import io.orch.api.proto.StoreAction;
import io.orch.api.proto.StoreCommand;

import java.util.HashMap;
import java.util.Map;

/**
 * Decides, deterministically and before anything is applied, whether a transaction may take
 * effect: creates must not reuse an id or a unique name, updates and deletes must match the
 * version they were read at. All or nothing: one failed check rejects the whole transaction.
 */
final class Rejections {
    static final String NOT_FOUND = "not found: ";
    static final String CONFLICT = "conflict: ";

    private Rejections() {}

    /** Null when the command may be applied, else the reason. */
    static String check(StoreState state, StoreCommand command) {
        // names claimed earlier in this same transaction
        Map<String, String> claimed = new HashMap<>();
        for (int i = 0; i < command.getActionsCount(); i++) {
            StoreAction action = command.getActions(i);
            long expected = i < command.getExpectedVersionsCount() ? command.getExpectedVersions(i) : 0;
            ObjectKind kind = ObjectKind.of(action.getObject());
            Message incoming = ObjectKind.unwrap(action.getObject());
            String id = ObjectKind.id(incoming);
            Message current = state.get(kind, id);
            String label = kind.name().toLowerCase(java.util.Locale.ROOT);
            switch (action.getKind()) {
                case CREATE -> {
                    if (id.isEmpty()) {
                        return CONFLICT + label + " without an id";
                    }
                    if (current != null) {
                        return CONFLICT + label + " " + id + " already exists";
                    }
                }
                case UPDATE -> {
                    if (current == null) {
                        return NOT_FOUND + label + " " + id;
                    }
                    if (expected != 0 && ObjectKind.version(current) != expected) {
                        return CONFLICT + "update out of sequence: " + label + " " + id + " is at version "
                                + ObjectKind.version(current) + ", not " + expected;
                    }
                }
                case DELETE -> {
                    if (current != null && expected != 0 && ObjectKind.version(current) != expected) {
                        return CONFLICT + "update out of sequence: " + label + " " + id + " changed since it was read";
                    }
                }
                default -> { }
            }
            if (action.getKind() == StoreAction.Kind.CREATE || action.getKind() == StoreAction.Kind.UPDATE) {
                String name = StoreState.uniqueName(incoming);
                if (name != null && !name.isEmpty()) {
                    String holder = state.idOfName(kind, name);
                    String claimedBy = claimed.put(kind + "/" + name, id);
                    if ((holder != null && !holder.equals(id)) || (claimedBy != null && !claimedBy.equals(id))) {
                        return CONFLICT + label + " name \"" + name + "\" is already in use";
                    }
                }
            }
        }
        return null;
    }

    static StoreException toException(String error) {
        if (error.startsWith(NOT_FOUND)) {
            return new StoreException(StoreException.Reason.NOT_FOUND, error.substring(NOT_FOUND.length()) + " not found");
        }
        String message = error.startsWith(CONFLICT) ? error.substring(CONFLICT.length()) : error;
        return new StoreException(StoreException.Reason.CONFLICT, message);
    }
}
