package io.orch.agent.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.orch.raft.ratis.RaftStats;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * A manager's Raft replica as gauges: leadership, apply lag, log and snapshot bytes, and the
 * leaders it saw take over (a counter read from the replica). One look at the replica (a listing
 * of its log directory) serves a whole scrape: cached for a second.
 */
final class RaftMeters {
    private static final Duration CACHE = Duration.ofSeconds(1);

    private final Supplier<RaftStats> source;
    private volatile RaftStats last = RaftStats.NONE;
    private volatile long readAt;
    private volatile boolean read;

    private RaftMeters(Supplier<RaftStats> source) {
        this.source = source;
    }

    /** Registers the meters over {@code source}; returns them, for the caller to remove when the replica goes. */
    static List<Meter> register(Supplier<RaftStats> source, MeterRegistry registry) {
        RaftMeters m = new RaftMeters(source);
        return List.of(
                gauge(registry, m, "orch.raft.is.leader", null, "1 while this manager is the ready Raft leader, else 0",
                        s -> s.leader() ? 1 : 0),
                gauge(registry, m, "orch.raft.apply.lag", "entries",
                        "Raft entries this manager knows committed and has not applied to its store yet", s -> s.applyLag()),
                gauge(registry, m, "orch.raft.log.size", "bytes", "this manager's Raft log segments on disk", s -> s.logBytes()),
                gauge(registry, m, "orch.raft.snapshot.size", "bytes", "this manager's latest Raft snapshot on disk",
                        s -> s.snapshotBytes()),
                // weakly held by the counter, but the gauges above hold it strongly
                FunctionCounter.builder("orch.raft.leader.changes", m, x -> x.stats().leaderChanges())
                        .description("Raft leaders this manager saw take over (a new leader, its own election included)")
                        .register(registry));
    }

    private static Meter gauge(MeterRegistry registry, RaftMeters m, String name, String unit, String description,
                               ToDoubleFunction<RaftStats> value) {
        // strong: nothing else holds the meters' reader, and Micrometer's default weak reference
        // would let it be collected (the gauge then reads NaN)
        return Gauge.builder(name, m, x -> value.applyAsDouble(x.stats())).strongReference(true).baseUnit(unit)
                .description(description).register(registry);
    }

    private RaftStats stats() {
        long now = System.nanoTime();
        if (!read || now - readAt > CACHE.toNanos()) {
            last = source.get();
            readAt = now;
            read = true;
        }
        return last;
    }
}
