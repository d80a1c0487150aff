package io.orch.api.json;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;

import java.util.List;
import java.util.Random;

/**
 * Messages with a random subset of their fields set (every type: nested messages, lists, maps,
 * enums, timestamps, bytes, unsigned and floating numbers, zero values), from a seed, to compare
 * two ways of writing JSON over shapes nobody thought of.
 */
final class RandomMessages {
    private static final int MAX_DEPTH = 6;
    private final Random random;

    RandomMessages(long seed) {
        this.random = new Random(seed);
    }

    /**
     * A random {@code prototype}, as the store holds it: through its wire form, which keeps one
     * entry per map key (a builder filled by reflection may hold several; no store object does).
     */
    <M extends Message> M fill(M prototype) {
        Message.Builder builder = prototype.newBuilderForType();
        fill(builder, 0);
        try {
            @SuppressWarnings("unchecked")
            M stored = (M) prototype.getParserForType().parseFrom(builder.build().toByteString());
            return stored;
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    private void fill(Message.Builder builder, int depth) {
        for (FieldDescriptor f : builder.getDescriptorForType().getFields()) {
            if (random.nextInt(3) == 0) {
                continue; // left unset
            }
            if (f.isRepeated()) {
                int n = random.nextInt(4);
                for (int i = 0; i < n; i++) {
                    Object v = value(builder, f, depth);
                    if (v != null) {
                        builder.addRepeatedField(f, v);
                    }
                }
            } else {
                Object v = value(builder, f, depth);
                if (v != null) {
                    builder.setField(f, v);
                }
            }
        }
    }

    private Object value(Message.Builder parent, FieldDescriptor f, int depth) {
        boolean zero = random.nextInt(5) == 0;
        switch (f.getJavaType()) {
            case MESSAGE -> {
                if (f.getMessageType().getFullName().equals(Timestamp.getDescriptor().getFullName())) {
                    return Timestamp.newBuilder().setSeconds(random.nextInt(2_000_000_000)).setNanos(random.nextInt(1_000_000_000)).build();
                }
                if (depth >= MAX_DEPTH) {
                    return null;
                }
                Message.Builder child = parent.newBuilderForField(f);
                if (f.isMapField()) {
                    fill(child, depth + 1);
                } else if (!zero) {
                    fill(child, depth + 1);
                }
                return child.build();
            }
            case ENUM -> {
                List<EnumValueDescriptor> values = f.getEnumType().getValues();
                return values.get(random.nextInt(values.size()));
            }
            case STRING -> {
                return zero ? "" : "s\u00e9\"<" + random.nextInt(1000);
            }
            case BOOLEAN -> {
                return random.nextBoolean();
            }
            case INT -> {
                return zero ? 0 : random.nextInt();
            }
            case LONG -> {
                return zero ? 0L : random.nextLong();
            }
            case FLOAT -> {
                return zero ? 0f : random.nextFloat() * 1000;
            }
            case DOUBLE -> {
                return zero ? 0d : random.nextDouble() * 1e6;
            }
            case BYTE_STRING -> {
                byte[] bytes = new byte[zero ? 0 : 1 + random.nextInt(8)];
                random.nextBytes(bytes);
                return ByteString.copyFrom(bytes);
            }
            default -> throw new IllegalStateException(f.getJavaType().toString());
        }
    }
}
