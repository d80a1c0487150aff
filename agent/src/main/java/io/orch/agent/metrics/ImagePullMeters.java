package io.orch.agent.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.orch.runtime.image.registry.PullObserver;

import java.util.concurrent.TimeUnit;

/**
 * Pulls from registries into this node's image store: {@code orch_image_pulls_total{result}},
 * and their time under the runtime operation timer as {@code runtime="images", operation="pull"}
 * (the image store serves the runc and process runtimes alike).
 */
final class ImagePullMeters implements PullObserver {
    private final Counter succeeded;
    private final Counter failed;
    private final Timer time;

    ImagePullMeters(MeterRegistry registry) {
        succeeded = counter(registry, "success");
        failed = counter(registry, "failure");
        time = Timer.builder(TimedRuntime.NAME)
                .description("time a container runtime took for an operation on a task (failed ones included)")
                .tag("runtime", "images").tag("operation", "pull")
                .serviceLevelObjectives(Buckets.OPERATIONS)
                .register(registry);
    }

    private static Counter counter(MeterRegistry registry, String result) {
        return Counter.builder("orch.image.pulls").description("image pulls from registries on this node, by result")
                .tag("result", result).register(registry);
    }

    @Override
    public void pulled(boolean ok, long nanos) {
        (ok ? succeeded : failed).increment();
        time.record(nanos, TimeUnit.NANOSECONDS);
    }
}
