package io.orch.api.json;

import com.fasterxml.jackson.core.io.SerializedString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The fields of one message type as Docker JSON shows them, in declaration order, with everything
 * about a field that does not depend on the message worked out once per type: its Docker name
 * (pre-encoded for the generator), its {@code (always)} flag, whether it is {@code (internal)}, a
 * map's key and value fields. Reading the options of a descriptor and building the name were done
 * for every field of every object of every list response; a list of 10,000 tasks repeated that
 * about a million times.
 */
final class OutputFields {
    private static final Map<Descriptor, OutputFields> CACHE = new ConcurrentHashMap<>();

    /** One field: everything {@link DockerJson} needs to write it but its value. */
    record Field(FieldDescriptor descriptor, String name, SerializedString encodedName, boolean always, boolean map,
                 FieldDescriptor mapKey, FieldDescriptor mapValue, boolean unsigned32) {

        static Field of(FieldDescriptor f) {
            String name = DockerJson.dockerName(f);
            boolean map = f.isMapField();
            FieldDescriptor key = map ? f.getMessageType().findFieldByName("key") : null;
            FieldDescriptor value = map ? f.getMessageType().findFieldByName("value") : null;
            return new Field(f, name, new SerializedString(name), DockerJson.always(f), map, key, value,
                    f.getType() == FieldDescriptor.Type.UINT32 || f.getType() == FieldDescriptor.Type.FIXED32);
        }
    }

    /** The fields written to JSON (internal ones left out), in declaration order. */
    private final Field[] written;
    /** By {@link FieldDescriptor#getIndex()}: the field's entry, or null for an internal field. */
    private final Field[] byIndex;

    private OutputFields(Descriptor descriptor) {
        var fields = descriptor.getFields();
        byIndex = new Field[fields.size()];
        int n = 0;
        for (FieldDescriptor f : fields) {
            if (!DockerJson.internal(f)) {
                byIndex[f.getIndex()] = Field.of(f);
                n++;
            }
        }
        written = new Field[n];
        int i = 0;
        for (Field f : byIndex) {
            if (f != null) {
                written[i++] = f;
            }
        }
    }

    static OutputFields of(Descriptor descriptor) {
        OutputFields cached = CACHE.get(descriptor);
        return cached != null ? cached : CACHE.computeIfAbsent(descriptor, OutputFields::new);
    }

    Field[] written() {
        return written;
    }

    /** The entry of {@code field}, or null if it is internal. */
    Field of(FieldDescriptor field) {
        return byIndex[field.getIndex()];
    }
}
