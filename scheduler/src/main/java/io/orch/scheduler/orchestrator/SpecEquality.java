package io.orch.scheduler.orchestrator;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;

import java.util.List;
import java.util.Map;

/**
 * Equality of specs as a user means it: a sub-message that is present but empty (every field
 * at its default) equals one that is absent, except a oneof's member. Protobuf's equals tells them apart, and a spec read
 * back and sent again (the docker CLI's update is read-modify-write of the inspect output, which
 * shows empty objects such as {@code "Resources": {}}) would otherwise look changed and roll every
 * task on an unrelated update.
 */
final class SpecEquality {
    private SpecEquality() {}

    static boolean same(Message a, Message b) {
        return a.equals(b) || normalized(a).equals(normalized(b)); // the cheap test first: the usual case
    }

    /** {@code m} with every set sub-message that holds only defaults cleared, recursively. */
    static Message normalized(Message m) {
        Message.Builder b = m.toBuilder();
        for (Map.Entry<FieldDescriptor, Object> e : m.getAllFields().entrySet()) {
            FieldDescriptor f = e.getKey();
            if (f.getJavaType() != FieldDescriptor.JavaType.MESSAGE || f.isMapField()) {
                continue;
            }
            if (f.isRepeated()) {
                b.clearField(f);
                for (Object item : (List<?>) e.getValue()) {
                    b.addRepeatedField(f, normalized((Message) item));
                }
                continue;
            }
            Message sub = normalized((Message) e.getValue());
            // a oneof's empty member still says which one it is (Mode.Global is an empty message)
            if (sub.getAllFields().isEmpty() && f.getContainingOneof() == null) {
                b.clearField(f);
            } else {
                b.setField(f, sub);
            }
        }
        return b.build();
    }
}
