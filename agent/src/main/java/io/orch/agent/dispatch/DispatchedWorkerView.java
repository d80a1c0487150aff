package io.orch.agent.dispatch;

import io.orch.agent.worker.AssignmentSetFile;
import io.orch.agent.worker.WorkerView;
import io.orch.api.proto.Assignments;
import io.orch.api.proto.Config;
import io.orch.api.proto.Secret;
import io.orch.api.proto.Task;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A worker-only node's view: the assignment set its dispatcher session received last. It keeps
 * that set while no manager is reachable (the tasks keep running); after {@code cutOffGrace}
 * without a manager the worker restarts exited tasks itself.
 */
public final class DispatchedWorkerView implements WorkerView {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(DispatchedWorkerView.class);
    private final DispatcherClient client;
    private final Duration cutOffGrace;
    private final List<Runnable> subscribers = new CopyOnWriteArrayList<>();
    private volatile Snapshot snapshot;

    /** @param kept read back from disk at start, not (yet) a manager's word */
    private record Snapshot(List<Task> tasks, Map<String, Task> byId, Map<String, Secret> secrets,
                            Map<String, Config> configs, Map<String, String> serviceNames, boolean kept) {
        static Snapshot of(Assignments a, boolean kept) {
            return new Snapshot(List.copyOf(a.getTasksList()), index(a.getTasksList(), Task::getId),
                    index(a.getSecretsList(), Secret::getId), index(a.getConfigsList(), Config::getId),
                    Map.copyOf(a.getServiceNamesMap()), kept);
        }

        private static <T> Map<String, T> index(List<T> items, Function<T, String> id) {
            return items.stream().collect(Collectors.toUnmodifiableMap(id, x -> x, (x, y) -> y));
        }
    }

    public DispatchedWorkerView(DispatcherClient client, Duration cutOffGrace) {
        this(client, cutOffGrace, null);
    }

    /**
     * A view that keeps each set it receives in {@code keptSet} and starts from the one kept
     * there by an earlier agent process: its tasks are re-attached and restarted locally while
     * no manager answers; the first set a manager sends replaces it.
     */
    public DispatchedWorkerView(DispatcherClient client, Duration cutOffGrace, AssignmentSetFile keptSet) {
        this.client = client;
        this.cutOffGrace = cutOffGrace;
        this.snapshot = keptSet == null ? null : keptSet.load().map(a -> Snapshot.of(a, true)).orElse(null);
        client.addListener(new DispatcherClient.Listener() {
            @Override
            public void connected(boolean connected) {
                changed();
            }

            @Override
            public void assignments(Assignments assignments) {
                snapshot = Snapshot.of(assignments, false);
                if (keptSet != null) {
                    try {
                        keptSet.save(assignments);
                    } catch (IOException e) {
                        log.warn("could not keep the assignment set on disk: a restart without a manager will wait for one: {}",
                                e.toString());
                    }
                }
                changed();
            }
        });
    }

    /** With the default grace of 3 s. */
    public DispatchedWorkerView(DispatcherClient client) {
        this(client, Duration.ofSeconds(3));
    }

    /** With the default grace of 3 s, keeping the assignment set under {@code dataDir}. */
    public DispatchedWorkerView(DispatcherClient client, Path dataDir) {
        this(client, Duration.ofSeconds(3), AssignmentSetFile.under(dataDir));
    }

    private void changed() {
        subscribers.forEach(Runnable::run);
    }

    @Override
    public List<Task> tasks() {
        Snapshot s = snapshot;
        return s == null ? List.of() : s.tasks();
    }

    @Override
    public Optional<Task> task(String id) {
        Snapshot s = snapshot;
        return s == null ? Optional.empty() : Optional.ofNullable(s.byId().get(id));
    }

    @Override
    public Optional<String> serviceName(String serviceId) {
        Snapshot s = snapshot;
        return s == null ? Optional.empty() : Optional.ofNullable(s.serviceNames().get(serviceId));
    }

    @Override
    public Optional<Secret> secret(String id, String name) {
        Snapshot s = snapshot;
        if (s == null) {
            return Optional.empty();
        }
        Secret byId = id.isEmpty() ? null : s.secrets().get(id);
        if (byId != null || name.isEmpty()) {
            return Optional.ofNullable(byId);
        }
        return s.secrets().values().stream().filter(x -> name.equals(x.getSpec().getName())).findFirst();
    }

    @Override
    public Optional<Config> config(String id, String name) {
        Snapshot s = snapshot;
        if (s == null) {
            return Optional.empty();
        }
        Config byId = id.isEmpty() ? null : s.configs().get(id);
        if (byId != null || name.isEmpty()) {
            return Optional.ofNullable(byId);
        }
        return s.configs().values().stream().filter(x -> name.equals(x.getSpec().getName())).findFirst();
    }

    @Override
    public AutoCloseable subscribe(Runnable onChange) {
        subscribers.add(onChange);
        return () -> subscribers.remove(onChange);
    }

    /** Only a manager's set is complete: a kept one may predate tasks that were assigned here since. */
    @Override
    public boolean complete() {
        Snapshot s = snapshot;
        return s != null && !s.kept();
    }

    @Override
    public boolean connected() {
        return client.connected();
    }

    @Override
    public boolean cutOff() {
        return !client.connected() && client.disconnectedFor().compareTo(cutOffGrace) > 0;
    }
}
