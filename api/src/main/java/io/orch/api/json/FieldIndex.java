package io.orch.api.json;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds a message's field by its Docker JSON name. Exact match first, then case-insensitive,
 * because Go's encoding/json (and so every Docker client) matches keys case-insensitively.
 */
final class FieldIndex {
    private static final Map<Descriptor, FieldIndex> CACHE = new ConcurrentHashMap<>();

    private final Map<String, FieldDescriptor> exact = new HashMap<>();
    private final Map<String, FieldDescriptor> folded = new HashMap<>();

    private FieldIndex(Descriptor descriptor) {
        for (FieldDescriptor f : descriptor.getFields()) {
            if (DockerJson.internal(f)) {
                continue; // never read from a request body
            }
            String name = DockerJson.dockerName(f);
            exact.put(name, f);
            folded.put(name.toLowerCase(Locale.ROOT), f);
        }
    }

    static FieldIndex of(Descriptor descriptor) {
        return CACHE.computeIfAbsent(descriptor, FieldIndex::new);
    }

    FieldDescriptor find(String key) {
        FieldDescriptor f = exact.get(key);
        return f != null ? f : folded.get(key.toLowerCase(Locale.ROOT));
    }
}
