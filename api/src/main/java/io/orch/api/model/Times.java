package io.orch.api.model;

import com.google.protobuf.Timestamp;

import java.time.Instant;

/** Conversions between the model's protobuf timestamps and java.time. */
public final class Times {
    private Times() {}

    public static Instant instant(Timestamp ts) {
        return Instant.ofEpochSecond(ts.getSeconds(), ts.getNanos());
    }

    public static Timestamp timestamp(Instant i) {
        return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
    }
}
