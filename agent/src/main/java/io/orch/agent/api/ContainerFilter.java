package io.orch.agent.api;

import io.orch.runtime.image.Image;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code filters} of {@code GET /containers/json} as Docker reads them: {@code id} (prefix),
 * {@code name} (regular expression, searched), {@code label} ({@code key} or {@code key=value},
 * all must hold), {@code status}, {@code ancestor} (image reference or id prefix), {@code exited}
 * (exit code), {@code health} and {@code is-task}. Values of one key are alternatives (OR); keys
 * combine with AND. An unknown key or status value is refused with 400, as Docker does.
 */
final class ContainerFilter {
    static final Set<String> KEYS = Set.of("id", "name", "label", "status", "ancestor", "exited", "health", "is-task");
    private static final Set<String> STATUSES = Set.of("created", "restarting", "running", "removing", "paused", "exited", "dead");
    private static final Set<String> HEALTH = Set.of("starting", "healthy", "unhealthy", "none");

    private final DockerFilters filters;
    private final List<BoundedRegex> names;

    private ContainerFilter(DockerFilters filters, List<BoundedRegex> names) {
        this.filters = filters;
        this.names = names;
    }

    static ContainerFilter parse(Optional<String> raw) throws ApiException {
        DockerFilters f = DockerFilters.parse(raw).accept(KEYS);
        for (String s : f.get("status")) {
            if (!STATUSES.contains(s)) {
                throw ApiException.badRequest("invalid filter 'status=" + s + "'");
            }
        }
        for (String h : f.get("health")) {
            if (!HEALTH.contains(h)) {
                throw ApiException.badRequest("invalid filter 'health=" + h + "'");
            }
        }
        for (String e : f.get("exited")) {
            if (!e.matches("-?\\d{1,10}")) {
                throw ApiException.badRequest("invalid filter 'exited=" + e + "'");
            }
        }
        for (String t : f.get("is-task")) {
            if (!t.equals("true") && !t.equals("false")) {
                throw ApiException.badRequest("invalid filter 'is-task=" + t + "'");
            }
        }
        List<BoundedRegex> names = new ArrayList<>();
        for (String n : f.get("name")) {
            names.add(BoundedRegex.compile("name=" + n, n)); // once per request, not once per container
        }
        return new ContainerFilter(f, List.copyOf(names));
    }

    /** Docker lists stopped containers without {@code all} when the status or exited filter asks for them. */
    boolean asksForStopped() {
        return filters.has("exited") || filters.get("status").stream().anyMatch(s -> !s.equals("running"));
    }

    /** @throws ApiException 400 when a name filter's expression backtracks past its budget ({@link BoundedRegex}) */
    boolean matches(ContainerView c, Optional<Image> image) throws ApiException {
        if (!filters.matchesPrefix("id", c.id())) {
            return false;
        }
        if (!names.isEmpty() && !anyNameMatches("/" + c.name())) {
            return false;
        }
        if (!filters.matchesLabels("label", c.labels()) || !filters.matchesExact("status", c.state())) {
            return false;
        }
        if (filters.has("exited") && (c.running() || !filters.get("exited").contains(Long.toString(c.exitCode())))) {
            return false;
        }
        String health = c.task().getStatus().getHealth().name().toLowerCase(Locale.ROOT);
        if (!filters.matchesExact("health", health)) {
            return false;
        }
        if (!filters.matchesExact("is-task", "true")) {
            return false;
        }
        return !filters.has("ancestor") || filters.get("ancestor").stream().anyMatch(a -> ancestor(a, c, image));
    }

    private boolean anyNameMatches(String name) throws ApiException {
        for (BoundedRegex n : names) {
            if (n.find(name)) {
                return true;
            }
        }
        return false;
    }

    /** The image as the task names it (with or without tag/registry), or a prefix of its id. */
    private static boolean ancestor(String wanted, ContainerView c, Optional<Image> image) {
        String ref = c.image();
        if (ref.equals(wanted) || stripTag(ref).equals(stripTag(wanted)) && !wanted.contains(":")
                || stripDefaults(ref).equals(stripDefaults(wanted))) {
            return true;
        }
        return image.map(i -> {
            String id = i.id().toString();
            return id.startsWith(wanted) || id.startsWith("sha256:" + wanted) || i.repoTags().contains(wanted);
        }).orElse(false);
    }

    private static String stripTag(String ref) {
        int at = ref.indexOf('@');
        String r = at >= 0 ? ref.substring(0, at) : ref;
        int colon = r.lastIndexOf(':');
        return colon > r.lastIndexOf('/') ? r.substring(0, colon) : r;
    }

    /** "docker.io/library/busybox:latest" and "busybox" are the same image. */
    private static String stripDefaults(String ref) {
        String r = ref.startsWith("docker.io/") ? ref.substring("docker.io/".length()) : ref;
        r = r.startsWith("library/") ? r.substring("library/".length()) : r;
        int colon = r.lastIndexOf(':');
        return colon > r.lastIndexOf('/') ? r : r + ":latest";
    }
}
