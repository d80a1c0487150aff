package io.orch.agent.dispatch;

import io.orch.agent.worker.WorkerView;
import io.orch.api.proto.Assignments;
import io.orch.api.proto.Config;
import io.orch.api.proto.Secret;
import io.orch.api.proto.Task;

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
    private final DispatcherClient client;
    private final Duration cutOffGrace;
    private final List<Runnable> subscribers = new CopyOnWriteArrayList<>();
    private volatile Snapshot snapshot;

    private record Snapshot(List<Task> tasks, Map<String, Task> byId, Map<String, Secret> secrets,
                            Map<String, Config> configs, Map<String, String> serviceNames) {
        static Snapshot of(Assignments a) {
            return new Snapshot(List.copyOf(a.getTasksList()), index(a.getTasksList(), Task::getId),
                    index(a.getSecretsList(), Secret::getId), index(a.getConfigsList(), Config::getId),
                    Map.copyOf(a.getServiceNamesMap()));
        }

        private static <T> Map<String, T> index(List<T> items, Function<T, String> id) {
            return items.stream().collect(Collectors.toUnmodifiableMap(id, x -> x, (x, y) -> y));
        }
    }

    public DispatchedWorkerView(DispatcherClient client, Duration cutOffGrace) {
        this.client = client;
        this.cutOffGrace = cutOffGrace;
        client.addListener(new DispatcherClient.Listener() {
            @Override
            public void connected(boolean connected) {
                changed();
            }

            @Override
            public void assignments(Assignments assignments) {
                snapshot = Snapshot.of(assignments);
                changed();
            }
        });
    }

    /** With the default grace of 3 s. */
    public DispatchedWorkerView(DispatcherClient client) {
        this(client, Duration.ofSeconds(3));
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

    @Override
    public boolean complete() {
        return snapshot != null;
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
