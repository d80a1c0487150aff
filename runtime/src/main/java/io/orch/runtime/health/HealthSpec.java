package io.orch.runtime.health;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A health check as Docker defines it: {@code test} is ["CMD", args...], ["CMD-SHELL", "cmd"] or
 * ["NONE"] (disabled); zero durations and retries mean "inherit" (from the image) and then Docker's
 * defaults (interval 30s, timeout 30s, retries 3, no start period).
 */
public record HealthSpec(List<String> test, Duration interval, Duration timeout, Duration startPeriod, int retries) {
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_RETRIES = 3;

    public HealthSpec {
        test = test == null ? List.of() : List.copyOf(test);
        interval = orZero(interval);
        timeout = orZero(timeout);
        startPeriod = orZero(startPeriod);
        retries = Math.max(0, retries);
    }

    private static Duration orZero(Duration d) {
        return d == null || d.isNegative() ? Duration.ZERO : d;
    }

    public boolean disabled() {
        return !test.isEmpty() && "NONE".equals(test.get(0));
    }

    /**
     * The effective check of a task: the service's fields win where set, the image's fill the rest
     * (Docker's merge); empty when neither defines a test or the service says NONE.
     */
    public static Optional<HealthSpec> effective(Optional<HealthSpec> service, Optional<HealthSpec> image) {
        if (service.isPresent() && service.get().disabled()) {
            return Optional.empty();
        }
        HealthSpec s = service.orElse(new HealthSpec(List.of(), null, null, null, 0));
        HealthSpec i = image.filter(h -> !h.disabled()).orElse(new HealthSpec(List.of(), null, null, null, 0));
        List<String> test = s.test.isEmpty() ? i.test : s.test;
        if (test.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new HealthSpec(test,
                pick(s.interval, i.interval, DEFAULT_INTERVAL),
                pick(s.timeout, i.timeout, DEFAULT_TIMEOUT),
                pick(s.startPeriod, i.startPeriod, Duration.ZERO),
                s.retries > 0 ? s.retries : i.retries > 0 ? i.retries : DEFAULT_RETRIES));
    }

    private static Duration pick(Duration first, Duration second, Duration fallback) {
        return !first.isZero() ? first : !second.isZero() ? second : fallback;
    }

    /** The argv to run inside the task, or empty when the test is malformed. */
    public Optional<List<String>> command() {
        if (test.isEmpty()) {
            return Optional.empty();
        }
        switch (test.get(0)) {
            case "CMD":
                return test.size() > 1 ? Optional.of(test.subList(1, test.size())) : Optional.empty();
            case "CMD-SHELL":
                return test.size() > 1 ? Optional.of(List.of("/bin/sh", "-c", String.join(" ", test.subList(1, test.size()))))
                        : Optional.empty();
            case "NONE":
                return Optional.empty();
            default:
                // Docker treats a bare list without a CMD marker as CMD-SHELL of the joined words.
                return Optional.of(List.of("/bin/sh", "-c", String.join(" ", test)));
        }
    }
}
