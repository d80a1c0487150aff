package io.orch.agent.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.google.protobuf.Message;
import io.orch.api.json.DockerJson;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The Docker JSON of store objects, kept while the store holds them. Store objects are immutable
 * and replaced, never changed, when they are written, so the bytes of one are good for as long as
 * it is in the store; a list of 10,000 tasks of which a handful changed since the last list maps a
 * handful and copies the rest. Keys are weak: an entry goes with the last reference to its object
 * (the store's, once a write replaced it), so what this holds follows the store's size (about the
 * size of the objects' JSON), not the number of requests. Protobuf messages hash by content
 * (memoised) and compare by content, so two equal objects share one rendering, which is the same.
 */
final class RenderedJson<M extends Message> {
    /** Writes one object as a complete JSON value. */
    @FunctionalInterface
    interface Writer<M> {
        void write(M object, JsonGenerator out) throws IOException;
    }

    private final Writer<M> writer;
    private final Map<M, byte[]> rendered = Collections.synchronizedMap(new WeakHashMap<>());

    RenderedJson(Writer<M> writer) {
        this.writer = writer;
    }

    /** The object's JSON; the caller must not change the array. */
    byte[] of(M object) {
        byte[] bytes = rendered.get(object);
        if (bytes == null) {
            bytes = render(object);
            rendered.put(object, bytes);
        }
        return bytes;
    }

    private byte[] render(M object) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        try (JsonGenerator generator = DockerJson.MAPPER.createGenerator(out)) {
            writer.write(object, generator);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write JSON to memory", e);
        }
        return out.toByteArray();
    }

    /** {@code [a,b,...]} of complete JSON values, as Jackson writes an array (no spaces). */
    static byte[] array(List<byte[]> elements) {
        int size = 2 + Math.max(0, elements.size() - 1);
        for (byte[] e : elements) {
            size += e.length;
        }
        byte[] out = new byte[size];
        out[0] = '[';
        int at = 1;
        for (int i = 0; i < elements.size(); i++) {
            if (i > 0) {
                out[at++] = ',';
            }
            byte[] e = elements.get(i);
            System.arraycopy(e, 0, out, at, e.length);
            at += e.length;
        }
        out[at] = ']';
        return out;
    }

    /**
     * {@code object} (a JSON object's bytes) with one more member, {@code "name":value}, before its
     * closing brace, as {@code ObjectNode.set} of a new name appends it.
     */
    static byte[] withMember(byte[] object, String name, String value) {
        byte[] member = ((object.length > 2 ? "," : "") + "\"" + name + "\":" + value).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] out = new byte[object.length + member.length];
        System.arraycopy(object, 0, out, 0, object.length - 1);
        System.arraycopy(member, 0, out, object.length - 1, member.length);
        out[out.length - 1] = '}';
        return out;
    }
}
