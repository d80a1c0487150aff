package io.orch.runtime;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtimes of this node by name, with their fingerprints. The default is the configured one;
 * without configuration, the first available in the order of {@link #PREFERENCE} (isolation
 * first), then any other available runtime in registration order.
 */
public final class RuntimeRegistry implements AutoCloseable {
    public static final List<String> PREFERENCE = List.of("runc", "docker", "process");
    private static final Logger log = LoggerFactory.getLogger(RuntimeRegistry.class);

    // filled by the constructor, read-only after: no lock
    private final Map<String, ContainerRuntime> runtimes = new LinkedHashMap<>();
    private final Optional<String> configuredDefault;
    private volatile Map<String, Fingerprint> fingerprints = Map.of(); // written under this (refresh), read without it

    /** @param configuredDefault the operator's choice; null or blank for automatic */
    public RuntimeRegistry(Collection<? extends ContainerRuntime> runtimes, String configuredDefault) {
        for (ContainerRuntime r : runtimes) {
            if (this.runtimes.putIfAbsent(r.name(), r) != null) {
                throw new IllegalArgumentException("two runtimes named " + r.name());
            }
        }
        this.configuredDefault = Optional.ofNullable(configuredDefault).filter(s -> !s.isBlank());
        refresh();
    }

    /** Fingerprints every runtime again (a runtime may appear or vanish while the node runs). */
    public synchronized Map<String, Fingerprint> refresh() {
        Map<String, Fingerprint> found = new LinkedHashMap<>();
        runtimes.forEach((name, runtime) -> {
            Fingerprint f;
            try {
                f = runtime.fingerprint();
            } catch (RuntimeException e) {
                f = Fingerprint.unavailable("fingerprint failed: " + e);
            }
            found.put(name, f);
            log.info("runtime {}: {}", name, f.available() ? "available " + f.attributes() : "unavailable: " + f.reason());
        });
        fingerprints = Map.copyOf(found);
        return found;
    }

    public Map<String, Fingerprint> fingerprints() {
        return fingerprints;
    }

    /** Every runtime, available here or not. */
    public List<ContainerRuntime> all() {
        return List.copyOf(runtimes.values());
    }

    public Optional<ContainerRuntime> get(String name) {
        return Optional.ofNullable(runtimes.get(name));
    }

    /** The runtime if it exists and its last fingerprint says it works here. */
    public Optional<ContainerRuntime> available(String name) {
        return get(name).filter(r -> isAvailable(name));
    }

    public boolean isAvailable(String name) {
        Fingerprint f = fingerprints.get(name);
        return f != null && f.available();
    }

    /** Names of available runtimes: preferred ones first, then in registration order. */
    public List<String> availableNames() {
        List<String> names = new ArrayList<>();
        PREFERENCE.stream().filter(this::isAvailable).forEach(names::add);
        runtimes.keySet().stream().filter(n -> !names.contains(n) && isAvailable(n)).forEach(names::add);
        return names;
    }

    /**
     * What the node advertises: the available runtimes with the one a task naming none gets
     * first (the scheduler reads the first as the node's default, e.g. for image-aware placement).
     */
    public List<String> advertisedNames() {
        List<String> names = availableNames();
        String first = defaultRuntime().name();
        names.remove(first);
        names.add(0, first);
        return names;
    }

    /**
     * The runtime tasks get when their spec names none. A configured default that is not
     * available is an error, not a reason to silently pick another (the operator asked for it).
     */
    public ContainerRuntime defaultRuntime() {
        if (configuredDefault.isPresent()) {
            String name = configuredDefault.get();
            if (!runtimes.containsKey(name)) {
                throw new IllegalStateException("configured default runtime " + name + " is not known; known: "
                        + runtimes.keySet());
            }
            if (!isAvailable(name)) {
                throw new IllegalStateException("configured default runtime " + name + " is unavailable: "
                        + fingerprints.get(name).reason());
            }
            return runtimes.get(name);
        }
        List<String> names = availableNames();
        if (names.isEmpty()) {
            throw new IllegalStateException("no runtime is available on this node: " + fingerprints);
        }
        return runtimes.get(names.get(0));
    }

    @Override
    public void close() {
        runtimes.values().forEach(r -> {
            try {
                r.close();
            } catch (RuntimeException e) {
                log.warn("closing runtime {} failed: {}", r.name(), e.toString());
            }
        });
    }
}
