package io.orch.agent.api;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.orch.api.proto.ServiceSpec;
import io.orch.raft.store.WriteTx;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Bounds a service's spec so that every later write of the service still fits in one store
 * object: an update keeps the previous spec beside the new one (for rollback), so a spec over
 * half the object cap could be created and then never updated, scaled or rolled back. The
 * refusal names the field that takes the most room, since that is what the user has to shrink.
 */
final class SpecSizeLimit {
    /** Half the store's object cap, less room for the service's endpoint, status and versions. */
    static final int MAX_SPEC_BYTES = WriteTx.OBJECT_MAX_BYTES / 2 - 32 * 1024;

    private SpecSizeLimit() {}

    static void check(String prefix, ServiceSpec spec) throws ApiException {
        int size = spec.getSerializedSize();
        if (size > MAX_SPEC_BYTES) {
            throw ApiException.badRequest(prefix + largestField(spec, "") + ": the spec is " + kib(size)
                    + " serialised, over the limit of " + kib(MAX_SPEC_BYTES)
                    + " (a service keeps its previous spec for rollback, and both must fit in one store object)");
        }
    }

    /** The path of the largest field, descending into messages, in Docker's field names (TaskTemplate.ContainerSpec.Env). */
    static String largestField(Message message, String path) {
        FieldDescriptor largest = null;
        long largestSize = -1;
        for (Map.Entry<FieldDescriptor, Object> e : message.getAllFields().entrySet()) {
            long size = sizeOf(e.getValue());
            if (size > largestSize) {
                largest = e.getKey();
                largestSize = size;
            }
        }
        if (largest == null) {
            return path.isEmpty() ? "Spec" : path;
        }
        String here = (path.isEmpty() ? "" : path + ".") + dockerName(largest);
        Object value = message.getField(largest);
        if (largest.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !largest.isRepeated()) {
            return largestField((Message) value, here);
        }
        return here;
    }

    private static long sizeOf(Object value) {
        if (value instanceof Message m) {
            return m.getSerializedSize();
        }
        if (value instanceof List<?> list) {
            long sum = 0;
            for (Object o : list) {
                sum += sizeOf(o);
            }
            return sum;
        }
        if (value instanceof String s) {
            return s.length();
        }
        if (value instanceof com.google.protobuf.ByteString b) {
            return b.size();
        }
        return 8;
    }

    /** task_template → TaskTemplate: the proto's names are Docker's in snake case. */
    private static String dockerName(FieldDescriptor field) {
        StringBuilder out = new StringBuilder();
        for (String part : field.getName().split("_")) {
            if (!part.isEmpty()) {
                out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
            }
        }
        return out.toString();
    }

    private static String kib(long bytes) {
        return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }
}
