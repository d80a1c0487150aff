package io.orch.api.json;

import io.orch.api.model.Times;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Maps the protobuf model to and from the Docker Engine API JSON shapes, driven by the
 * descriptors, so the .proto files are the single definition of both the replicated store and
 * the API. Naming rules are documented in model.proto. Output follows Go's omitempty: unset
 * messages, empty strings, lists and maps, false and zero numbers are left out, except numbers
 * declared {@code optional} and set (Replicas: 0 is meaningful), enums (Availability "active" is
 * the zero value and the docker CLI shows it) and fields marked {@code (always)} (json.proto):
 * those Docker sends even at zero, which clients index without checking.
 */
public final class DockerJson {
    public static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private DockerJson() {}

    // ------------------------------------------------------------------ names

    /** The Docker name of a field: its proto JSON name with the first letter capitalised. */
    public static String dockerName(FieldDescriptor field) {
        String json = field.getJsonName();
        return Character.toUpperCase(json.charAt(0)) + json.substring(1);
    }

    /** The Docker spelling of an enum value. */
    public static String dockerValue(EnumValueDescriptor value) {
        if (value.getOptions().hasExtension(io.orch.api.proto.Json.docker)) {
            return value.getOptions().getExtension(io.orch.api.proto.Json.docker);
        }
        return value.getName().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    // ------------------------------------------------------------------ proto -> JSON

    public static ObjectNode toJson(Message message) {
        ObjectNode out = NODES.objectNode();
        for (OutputFields.Field field : OutputFields.of(message.getDescriptorForType()).written()) {
            JsonNode value = fieldToJson(message, field);
            if (value != null) {
                out.set(field.name(), value);
            }
        }
        return out;
    }

    /** Whether the field is the cluster's own, never written to nor read from Docker JSON (the {@code (internal)} option). */
    public static boolean internal(FieldDescriptor field) {
        return field.getOptions().getExtension(io.orch.api.proto.Json.internal);
    }

    /** Whether Docker sends this field even at its zero value (the {@code (always)} option). */
    public static boolean always(FieldDescriptor field) {
        return field.getOptions().getExtension(io.orch.api.proto.Json.always);
    }

    /**
     * Whether {@link #toJson} shows the field (the omitempty rules in the class comment); the
     * tree and the streaming writer both ask this, so they leave out the same fields.
     */
    private static boolean shown(Message message, OutputFields.Field f) {
        FieldDescriptor field = f.descriptor();
        if (f.always()) {
            return true;
        }
        if (field.isRepeated()) {
            return message.getRepeatedFieldCount(field) > 0;
        }
        if (field.getJavaType() == FieldDescriptor.JavaType.ENUM) {
            EnumValueDescriptor v = (EnumValueDescriptor) message.getField(field);
            return !(v.getNumber() == 0 && v.getName().equals("UNSPECIFIED"));
        }
        if (field.hasPresence()) {
            // unset: getField gives the default instance or value, so (always) writes {} or 0
            return message.hasField(field);
        }
        return !message.getField(field).equals(field.getDefaultValue());
    }

    private static JsonNode fieldToJson(Message message, OutputFields.Field f) {
        FieldDescriptor field = f.descriptor();
        if (field.getJavaType() == FieldDescriptor.JavaType.ENUM && !field.isRepeated()) {
            // an enum is shown even when (always) is not set, but never UNSPECIFIED
            EnumValueDescriptor v = (EnumValueDescriptor) message.getField(field);
            return v.getNumber() == 0 && v.getName().equals("UNSPECIFIED") ? null : NODES.textNode(dockerValue(v));
        }
        if (!shown(message, f)) {
            return null;
        }
        if (f.map()) {
            ObjectNode map = NODES.objectNode();
            for (Object e : (List<?>) message.getField(field)) {
                Message entry = (Message) e;
                map.set(String.valueOf(entry.getField(f.mapKey())), valueToJson(f.mapValue(), entry.getField(f.mapValue())));
            }
            return map;
        }
        if (field.isRepeated()) {
            int n = message.getRepeatedFieldCount(field);
            ArrayNode array = NODES.arrayNode(n);
            for (int i = 0; i < n; i++) {
                array.add(valueToJson(field, message.getRepeatedField(field, i)));
            }
            return array;
        }
        return valueToJson(field, message.getField(field));
    }

    private static JsonNode valueToJson(FieldDescriptor field, Object value) {
        switch (field.getJavaType()) {
            case MESSAGE:
                if (value instanceof Timestamp ts) {
                    return NODES.textNode(formatTimestamp(ts));
                }
                return toJson((Message) value);
            case ENUM:
                return NODES.textNode(dockerValue((EnumValueDescriptor) value));
            case STRING:
                return NODES.textNode((String) value);
            case BOOLEAN:
                return NODES.booleanNode((Boolean) value);
            case INT:
                return field.getType() == FieldDescriptor.Type.UINT32 || field.getType() == FieldDescriptor.Type.FIXED32
                        ? NODES.numberNode(Integer.toUnsignedLong((Integer) value))
                        : NODES.numberNode((Integer) value);
            case LONG:
                return NODES.numberNode((Long) value);
            case FLOAT:
                return NODES.numberNode((Float) value);
            case DOUBLE:
                return NODES.numberNode((Double) value);
            case BYTE_STRING:
                return NODES.textNode(Base64.getEncoder().encodeToString(((ByteString) value).toByteArray()));
            default:
                throw new IllegalStateException("unmapped type " + field.getJavaType());
        }
    }

    // ------------------------------------------------------------------ proto -> JSON, streamed

    /**
     * Writes {@code message} as {@link #toJson} maps it, straight to {@code out}: the same bytes
     * as serialising that tree, without building it (a list of 10,000 tasks built a million
     * nodes, then walked them again to serialise).
     */
    public static void write(Message message, JsonGenerator out) throws IOException {
        out.writeStartObject();
        writeFields(message, out);
        out.writeEndObject();
    }

    /** The members of {@link #write}'s object, for a caller that adds its own before closing it. */
    public static void writeFields(Message message, JsonGenerator out) throws IOException {
        for (OutputFields.Field field : OutputFields.of(message.getDescriptorForType()).written()) {
            writeField(message, field, out);
        }
    }

    /**
     * Writes one field of {@code message} (name and value) if {@link #toJson} would show it, and
     * says whether it did. An internal field is never written.
     */
    public static boolean writeField(Message message, FieldDescriptor field, JsonGenerator out) throws IOException {
        OutputFields.Field f = OutputFields.of(message.getDescriptorForType()).of(field);
        return f != null && writeField(message, f, out);
    }

    /** Whether {@link #toJson} shows {@code field} of {@code message}. */
    public static boolean shown(Message message, FieldDescriptor field) {
        OutputFields.Field f = OutputFields.of(message.getDescriptorForType()).of(field);
        return f != null && (field.getJavaType() == FieldDescriptor.JavaType.ENUM && !field.isRepeated()
                ? !isUnspecified((EnumValueDescriptor) message.getField(field)) : shown(message, f));
    }

    private static boolean isUnspecified(EnumValueDescriptor v) {
        return v.getNumber() == 0 && v.getName().equals("UNSPECIFIED");
    }

    private static boolean writeField(Message message, OutputFields.Field f, JsonGenerator out) throws IOException {
        FieldDescriptor field = f.descriptor();
        if (field.getJavaType() == FieldDescriptor.JavaType.ENUM && !field.isRepeated()) {
            EnumValueDescriptor v = (EnumValueDescriptor) message.getField(field);
            if (isUnspecified(v)) {
                return false;
            }
            out.writeFieldName(f.encodedName());
            out.writeString(dockerValue(v));
            return true;
        }
        if (!shown(message, f)) {
            return false;
        }
        out.writeFieldName(f.encodedName());
        if (f.map()) {
            out.writeStartObject();
            for (Object e : (List<?>) message.getField(field)) {
                Message entry = (Message) e;
                out.writeFieldName(String.valueOf(entry.getField(f.mapKey())));
                writeValue(f.mapValue(), entry.getField(f.mapValue()), out);
            }
            out.writeEndObject();
        } else if (field.isRepeated()) {
            int n = message.getRepeatedFieldCount(field);
            out.writeStartArray();
            for (int i = 0; i < n; i++) {
                writeValue(field, message.getRepeatedField(field, i), out);
            }
            out.writeEndArray();
        } else {
            writeValue(field, message.getField(field), out);
        }
        return true;
    }

    private static void writeValue(FieldDescriptor field, Object value, JsonGenerator out) throws IOException {
        switch (field.getJavaType()) {
            case MESSAGE -> {
                if (value instanceof Timestamp ts) {
                    out.writeString(formatTimestamp(ts));
                } else {
                    write((Message) value, out);
                }
            }
            case ENUM -> out.writeString(dockerValue((EnumValueDescriptor) value));
            case STRING -> out.writeString((String) value);
            case BOOLEAN -> out.writeBoolean((Boolean) value);
            case INT -> {
                if (field.getType() == FieldDescriptor.Type.UINT32 || field.getType() == FieldDescriptor.Type.FIXED32) {
                    out.writeNumber(Integer.toUnsignedLong((Integer) value));
                } else {
                    out.writeNumber((int) (Integer) value);
                }
            }
            case LONG -> out.writeNumber((long) (Long) value);
            case FLOAT -> out.writeNumber((float) (Float) value);
            case DOUBLE -> out.writeNumber((double) (Double) value);
            case BYTE_STRING -> out.writeString(Base64.getEncoder().encodeToString(((ByteString) value).toByteArray()));
            default -> throw new IllegalStateException("unmapped type " + field.getJavaType());
        }
    }

    /** RFC 3339 with nanoseconds, as Go prints time.Time. */
    public static String formatTimestamp(Timestamp ts) {
        return Times.instant(ts).toString();
    }

    // ------------------------------------------------------------------ JSON -> proto

    /**
     * Parses {@code json} into {@code builder}, leniently: unknown fields are ignored (as Docker
     * does). For JSON orch wrote itself (stored or printed objects read back, e.g. by the CLI);
     * a request body is read with {@link #mergeStrict}. A value of the wrong type or out of range
     * fails with the field's path, e.g.
     * {@code Mode.Replicated.Replicas: must be a non-negative integer, got -1}.
     */
    public static <B extends Message.Builder> B merge(JsonNode json, B builder) throws JsonModelException {
        mergeObject(json, builder, "", false);
        return builder;
    }

    /**
     * Parses a request body into {@code builder}: as {@link #merge}, but a field the model does
     * not have fails with {@link UnsupportedFieldException} naming its path unless its value is
     * one Docker itself sends for "not set" ({@link #firstSetPath}). That covers both fields the
     * Docker Engine API defines and orch does not keep, and keys that are in no API at all: Docker
     * would ignore the latter, but then a typo in an SDK client's field name is silently lost,
     * which is exactly what a refusal prevents.
     */
    public static <B extends Message.Builder> B mergeStrict(JsonNode json, B builder) throws JsonModelException {
        mergeObject(json, builder, "", true);
        return builder;
    }

    /**
     * Values Docker sends for an unset field that are not JSON's zero values (the docker CLI sends
     * {@code "Isolation": "default"}), by field name, lower case.
     */
    private static final Map<String, String> KNOWN_DEFAULTS = Map.of("isolation", "default");

    /**
     * Fields whose mere presence is the value, even as {} (Go pointers to empty structs):
     * {@code "Configs": [{"Runtime": {}}]} asks for a runtime config, {@code "GlobalJob": {}} for a mode.
     */
    private static final java.util.Set<String> MARKERS = java.util.Set.of("runtime", "global", "globaljob", "replicatedjob");

    /**
     * The path of the first value under {@code value} that is not a "not set" value, or null if
     * there is none: null, false, 0, "", {}, [] and the {@link #KNOWN_DEFAULTS} are unset, and so
     * is an object holding only unset values (except the {@link #MARKERS}) (the docker CLI sends
     * {@code "Privileges": {"CredentialSpec": null, "NoNewPrivileges": false}} for no privileges).
     */
    public static String firstSetPath(JsonNode value, String path) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return null;
        }
        if (value.isBoolean()) {
            return value.asBoolean() ? path : null;
        }
        if (value.isNumber()) {
            return value.asDouble() == 0 && value.asLong() == 0 ? null : path;
        }
        if (value.isTextual()) {
            String known = KNOWN_DEFAULTS.get(lastName(path).toLowerCase(java.util.Locale.ROOT));
            return value.asText().isEmpty() || value.asText().equals(known) ? null : path;
        }
        if (value.isArray()) {
            // a list with elements is set even when they are zero ("Groups": [""] is not "no groups")
            return value.isEmpty() ? null : path;
        }
        if (value.isObject()) {
            if (MARKERS.contains(lastName(path).toLowerCase(java.util.Locale.ROOT))) {
                return path;
            }
            Iterator<Map.Entry<String, JsonNode>> it = value.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                String inner = firstSetPath(e.getValue(), path + "." + e.getKey());
                if (inner != null) {
                    return inner;
                }
            }
            return null;
        }
        return path;
    }

    private static String lastName(String path) {
        int dot = path.lastIndexOf('.');
        return dot < 0 ? path : path.substring(dot + 1);
    }

    private static void mergeObject(JsonNode json, Message.Builder builder, String path, boolean strict)
            throws JsonModelException {
        if (!json.isObject()) {
            throw new JsonModelException(path.isEmpty() ? "body" : path, "must be an object, got " + describe(json));
        }
        Descriptor descriptor = builder.getDescriptorForType();
        Iterator<Map.Entry<String, JsonNode>> fields = json.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> e = fields.next();
            FieldDescriptor field = FieldIndex.of(descriptor).find(e.getKey());
            if (field == null) {
                String set = strict ? firstSetPath(e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey()) : null;
                if (set != null) {
                    throw new UnsupportedFieldException(set);
                }
                continue;
            }
            if (e.getValue().isNull()) {
                continue;
            }
            String fieldPath = path.isEmpty() ? dockerName(field) : path + "." + dockerName(field);
            mergeField(e.getValue(), builder, field, fieldPath, strict);
        }
    }

    private static void mergeField(JsonNode value, Message.Builder builder, FieldDescriptor field, String path,
                                   boolean strict) throws JsonModelException {
        if (field.isMapField()) {
            if (!value.isObject()) {
                throw new JsonModelException(path, "must be an object, got " + describe(value));
            }
            Descriptor entryType = field.getMessageType();
            FieldDescriptor valueField = entryType.findFieldByName("value");
            Iterator<Map.Entry<String, JsonNode>> it = value.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                Message.Builder entry = builder.newBuilderForField(field);
                entry.setField(entryType.findFieldByName("key"), e.getKey());
                entry.setField(valueField, scalar(e.getValue(), valueField, path + "." + e.getKey(), entry, strict));
                builder.addRepeatedField(field, entry.build());
            }
            return;
        }
        if (field.isRepeated()) {
            if (!value.isArray()) {
                throw new JsonModelException(path, "must be a list, got " + describe(value));
            }
            int i = 0;
            for (JsonNode item : value) {
                if (!item.isNull()) {
                    builder.addRepeatedField(field, scalar(item, field, path + "[" + i + "]", builder, strict));
                }
                i++;
            }
            return;
        }
        builder.setField(field, scalar(value, field, path, builder, strict));
    }

    private static Object scalar(JsonNode value, FieldDescriptor field, String path, Message.Builder parent,
                                 boolean strict) throws JsonModelException {
        switch (field.getJavaType()) {
            case MESSAGE: {
                if (field.getMessageType().getFullName().equals(Timestamp.getDescriptor().getFullName())) {
                    if (!value.isTextual()) {
                        throw new JsonModelException(path, "must be an RFC 3339 time, got " + describe(value));
                    }
                    try {
                        return Times.timestamp(Instant.parse(value.asText()));
                    } catch (DateTimeParseException e) {
                        throw new JsonModelException(path, "must be an RFC 3339 time, got \"" + value.asText() + "\"");
                    }
                }
                Message.Builder child = parent.newBuilderForField(field);
                mergeObject(value, child, path, strict);
                return child.build();
            }
            case ENUM: {
                if (!value.isTextual()) {
                    throw new JsonModelException(path, "must be a string, got " + describe(value));
                }
                String text = value.asText();
                if (text.isEmpty()) {
                    return field.getEnumType().getValues().get(0);
                }
                StringBuilder allowed = new StringBuilder();
                for (EnumValueDescriptor v : field.getEnumType().getValues()) {
                    if (v.getName().equals("UNSPECIFIED")) {
                        continue;
                    }
                    if (dockerValue(v).equalsIgnoreCase(text)) {
                        return v;
                    }
                    allowed.append(allowed.length() == 0 ? "" : ", ").append(dockerValue(v));
                }
                throw new JsonModelException(path, "invalid value \"" + text + "\" (want one of: " + allowed + ")");
            }
            case STRING:
                if (!value.isTextual()) {
                    throw new JsonModelException(path, "must be a string, got " + describe(value));
                }
                return value.asText();
            case BOOLEAN:
                if (!value.isBoolean()) {
                    throw new JsonModelException(path, "must be true or false, got " + describe(value));
                }
                return value.asBoolean();
            case INT:
                return (int) integer(value, field, path, field.getType() == FieldDescriptor.Type.UINT32
                        ? 0xFFFF_FFFFL : Integer.MAX_VALUE);
            case LONG:
                return integer(value, field, path, Long.MAX_VALUE);
            case FLOAT:
                return (float) number(value, path);
            case DOUBLE:
                return number(value, path);
            case BYTE_STRING:
                if (!value.isTextual()) {
                    throw new JsonModelException(path, "must be base64 text, got " + describe(value));
                }
                try {
                    return ByteString.copyFrom(Base64.getDecoder().decode(value.asText()));
                } catch (IllegalArgumentException e) {
                    throw new JsonModelException(path, "is not valid base64");
                }
            default:
                throw new IllegalStateException("unmapped type " + field.getJavaType());
        }
    }

    private static long integer(JsonNode value, FieldDescriptor field, String path, long max) throws JsonModelException {
        boolean unsigned = switch (field.getType()) {
            case UINT32, UINT64, FIXED32, FIXED64 -> true;
            default -> false;
        };
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new JsonModelException(path, "must be " + (unsigned ? "a non-negative " : "an ") + "integer, got " + describe(value));
        }
        long v = value.asLong();
        if (unsigned && v < 0) {
            throw new JsonModelException(path, "must be a non-negative integer, got " + v);
        }
        if (v > max) {
            throw new JsonModelException(path, "is too large: " + v);
        }
        return v;
    }

    private static double number(JsonNode value, String path) throws JsonModelException {
        if (!value.isNumber()) {
            throw new JsonModelException(path, "must be a number, got " + describe(value));
        }
        return value.asDouble();
    }

    private static String describe(JsonNode value) {
        if (value.isTextual()) {
            return "\"" + value.asText() + "\"";
        }
        if (value.isObject()) {
            return "an object";
        }
        if (value.isArray()) {
            return "a list";
        }
        return value.toString();
    }
}
