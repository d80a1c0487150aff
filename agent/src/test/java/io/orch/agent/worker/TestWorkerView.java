package io.orch.agent.worker;

import io.orch.api.proto.Config;
import io.orch.api.proto.Secret;
import io.orch.api.proto.Task;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** A view whose tasks and manager reachability a test sets, and whose changes it announces. */
final class TestWorkerView implements WorkerView {
    final Map<String, Task> tasks = new HashMap<>();
    final List<Runnable> subscribers = new CopyOnWriteArrayList<>();
    boolean connected;
    boolean cutOff = true;

    /** Tells the subscribers the view changed. */
    void change() {
        subscribers.forEach(Runnable::run);
    }

    @Override
    public List<Task> tasks() {
        return List.copyOf(tasks.values());
    }

    @Override
    public Optional<Task> task(String id) {
        return Optional.ofNullable(tasks.get(id));
    }

    @Override
    public Optional<String> serviceName(String serviceId) {
        return Optional.empty();
    }

    @Override
    public Optional<Secret> secret(String id, String name) {
        return Optional.empty();
    }

    @Override
    public Optional<Config> config(String id, String name) {
        return Optional.empty();
    }

    @Override
    public AutoCloseable subscribe(Runnable onChange) {
        subscribers.add(onChange);
        return () -> subscribers.remove(onChange);
    }

    @Override
    public boolean connected() {
        return connected;
    }

    @Override
    public boolean cutOff() {
        return cutOff;
    }
}
