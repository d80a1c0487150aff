package io.orch.agent.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.orch.gossip.GossipObserver;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** {@link GossipObserver} as meters: probes by result, their round trip, suspicions and deaths. */
final class GossipMeters implements GossipObserver {
    private final Map<ProbeResult, Counter> probes = new EnumMap<>(ProbeResult.class);
    private final Timer rtt;
    private final Counter suspicions;
    private final Counter deaths;

    GossipMeters(MeterRegistry registry) {
        for (ProbeResult r : ProbeResult.values()) {
            probes.put(r, Counter.builder("orch.gossip.probes").description("gossip (SWIM) probes this node made, by result")
                    .tag("result", r.name().toLowerCase(Locale.ROOT)).register(registry));
        }
        rtt = Timer.builder("orch.gossip.probe.rtt").description("round trip of this node's answered gossip probes")
                .serviceLevelObjectives(Buckets.PROBES).register(registry);
        suspicions = Counter.builder("orch.gossip.suspicions").description("members this node started to suspect")
                .register(registry);
        deaths = Counter.builder("orch.gossip.deaths").description("members this node declared or learnt dead (not left)")
                .register(registry);
    }

    @Override
    public void probed(ProbeResult result, long rttMillis) {
        probes.get(result).increment();
        if (rttMillis >= 0) {
            rtt.record(rttMillis, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void suspected() {
        suspicions.increment();
    }

    @Override
    public void died() {
        deaths.increment();
    }
}
