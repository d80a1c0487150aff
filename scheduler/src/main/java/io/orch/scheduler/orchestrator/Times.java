package io.orch.scheduler.orchestrator;

import com.google.protobuf.Timestamp;

import java.time.Instant;

/** Conversions between protobuf timestamps and java.time. */
public final class Times {
    private Times() {}

    public static Instant instant(Timestamp ts) {
        return Instant.ofEpochSecond(ts.getSeconds(), ts.getNanos());
    }

    public static Timestamp timestamp(Instant i) {
        return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
    }
}
