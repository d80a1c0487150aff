package io.orch.agent.api;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.orch.api.json.DockerJson;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Bounds the labels of one object (a service's, its containers', its mounts' volumes', a
 * secret's, a config's, a network's, a node's, the swarm's) to {@value #MAX_BYTES} bytes of keys
 * and values together. Labels are metadata, yet they ride in the Raft log, every snapshot, every
 * task made from a service and every assignment set sent to a worker: a 3 MB label would be
 * copied everywhere. Found by a walk of the spec's descriptors, so a label map added to the
 * model later is bounded too; the refusal names the map that went over.
 */
final class LabelLimits {
    static final int MAX_BYTES = 64 * 1024;

    private LabelLimits() {}

    /**
     * @param prefix the refusal's start, as the route phrases its other ones ("invalid secret spec: ")
     */
    static void check(String prefix, Message spec) throws ApiException {
        long[] total = {0};
        String over = walk(spec, "", total);
        if (over != null) {
            throw ApiException.badRequest(prefix + over + ": labels too large: this object's labels take more than "
                    + MAX_BYTES + " bytes (64 KiB) of keys and values");
        }
    }

    /** The path of the label map at which the running total went over, or null. */
    private static String walk(Message message, String path, long[] total) {
        for (FieldDescriptor field : message.getDescriptorForType().getFields()) {
            String name = path.isEmpty() ? DockerJson.dockerName(field) : path + "." + DockerJson.dockerName(field);
            if (field.isMapField()) {
                if (field.getName().equals("labels")) {
                    total[0] += size((List<?>) message.getField(field));
                    if (total[0] > MAX_BYTES) {
                        return name;
                    }
                }
            } else if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                String over = null;
                if (field.isRepeated()) {
                    for (int i = 0; i < message.getRepeatedFieldCount(field) && over == null; i++) {
                        over = walk((Message) message.getRepeatedField(field, i), name + "[" + i + "]", total);
                    }
                } else if (message.hasField(field)) {
                    over = walk((Message) message.getField(field), name, total);
                }
                if (over != null) {
                    return over;
                }
            }
        }
        return null;
    }

    /** UTF-8 bytes of a string map's keys and values (its entries as protobuf hands them out). */
    private static long size(List<?> entries) {
        long bytes = 0;
        for (Object e : entries) {
            Message entry = (Message) e;
            for (FieldDescriptor f : entry.getDescriptorForType().getFields()) {
                if (entry.getField(f) instanceof String s) {
                    bytes += s.getBytes(StandardCharsets.UTF_8).length;
                }
            }
        }
        return bytes;
    }
}
