package io.orch.agent.manager;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Says that a service's empty slots wait because the store holds as many tasks as the cluster's
 * limit allows: once a minute per service, not once per pass. The loop's thread only.
 */
final class StoreFullWarning {
    private static final Logger log = LoggerFactory.getLogger(StoreFullWarning.class);
    private static final Duration EVERY = Duration.ofMinutes(1);
    /** Services remembered at most (a forgotten one is only warned about again). */
    private static final int REMEMBERED = 1_000;

    private final Map<String, Instant> lastSaid = new HashMap<>();

    void warn(String serviceId, int storeTasks, Instant now) {
        Instant last = lastSaid.get(serviceId);
        if (last != null && now.isBefore(last.plus(EVERY))) {
            return;
        }
        if (lastSaid.size() >= REMEMBERED) {
            lastSaid.clear();
        }
        lastSaid.put(serviceId, now);
        log.warn("service {}: empty slots get no task, the store holds {} tasks, as many as the cluster's task limit allows "
                + "(orch cluster update --max-tasks; lower the service's replicas or remove services)", serviceId, storeTasks);
    }
}
