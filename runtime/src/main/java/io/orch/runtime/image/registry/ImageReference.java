package io.orch.runtime.image.registry;

import io.orch.runtime.image.Digest;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An image reference parsed as docker parses it (distribution's reference.ParseNormalizedNamed):
 * the first path component is a registry when it contains '.' or ':' or is "localhost", else
 * the image is on Docker Hub ("docker.io", with "library/" for one-component names); the tag
 * defaults to "latest" unless a digest pins the image.
 *
 * @param registry   the registry host[:port] as written ("docker.io" for Docker Hub)
 * @param repository the repository path on that registry ("library/busybox")
 * @param tag        the tag, or empty when only a digest was given
 * @param digest     the manifest digest pinned with "@sha256:...", if any
 * @param explicitRegistry whether the reference named its registry (as opposed to Docker Hub by default)
 */
public record ImageReference(String registry, String repository, Optional<String> tag, Optional<Digest> digest,
                             boolean explicitRegistry) {
    public static final String DOCKER_HUB = "docker.io";
    private static final Pattern PATH_COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
    private static final Pattern DOMAIN = Pattern.compile("(?:[a-zA-Z0-9-]+(?:\\.[a-zA-Z0-9-]+)*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?");

    /** Parses {@code ref}; throws IllegalArgumentException with one line naming what is wrong. */
    public static ImageReference parse(String ref) {
        if (ref == null || ref.isBlank()) {
            throw new IllegalArgumentException("image reference is empty");
        }
        String rest = ref.trim();
        Optional<Digest> digest = Optional.empty();
        int at = rest.indexOf('@');
        if (at >= 0) {
            try {
                digest = Optional.of(Digest.parse(rest.substring(at + 1)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("image reference " + ref + ": " + e.getMessage());
            }
            rest = rest.substring(0, at);
        }
        Optional<String> tag = Optional.empty();
        int colon = rest.lastIndexOf(':');
        if (colon > rest.lastIndexOf('/')) {
            String t = rest.substring(colon + 1);
            if (!TAG.matcher(t).matches()) {
                throw new IllegalArgumentException("image reference " + ref + ": invalid tag \"" + t + "\"");
            }
            tag = Optional.of(t);
            rest = rest.substring(0, colon);
        }
        String registry = DOCKER_HUB;
        boolean explicit = false;
        String path = rest;
        int slash = rest.indexOf('/');
        if (slash > 0 && namesRegistry(rest.substring(0, slash))) {
            registry = rest.substring(0, slash);
            path = rest.substring(slash + 1);
            explicit = true;
            if (!DOMAIN.matcher(registry).matches()) {
                throw new IllegalArgumentException("image reference " + ref + ": invalid registry \"" + registry + "\"");
            }
        }
        if (registry.equals("index.docker.io")) {
            registry = DOCKER_HUB;
        }
        if (registry.equals(DOCKER_HUB) && !path.contains("/")) {
            path = "library/" + path;
        }
        for (String component : path.split("/", -1)) {
            if (!PATH_COMPONENT.matcher(component).matches()) {
                throw new IllegalArgumentException("image reference " + ref
                        + ": invalid repository name (lower-case letters, digits and . _ - separators only)");
            }
        }
        if (tag.isEmpty() && digest.isEmpty()) {
            tag = Optional.of("latest");
        }
        return new ImageReference(registry, path, tag, digest, explicit);
    }

    /** docker's rule for "is the first component a registry": a dot, a port, or localhost. */
    public static boolean namesRegistry(String firstComponent) {
        return firstComponent.contains(".") || firstComponent.contains(":") || firstComponent.equals("localhost");
    }

    /** The repository as docker shows it: Docker Hub's "docker.io/" and "library/" dropped. */
    public String familiarRepository() {
        if (!registry.equals(DOCKER_HUB)) {
            return registry + "/" + repository;
        }
        return repository.startsWith("library/") ? repository.substring(8) : repository;
    }

    /** The tag as the image store records it ("busybox:latest"), when there is a tag. */
    public Optional<String> familiarTag() {
        return tag.map(t -> familiarRepository() + ":" + t);
    }

    /** "repo@sha256:..." for a manifest digest, as docker's RepoDigests. */
    public String repoDigest(Digest manifestDigest) {
        return familiarRepository() + "@" + manifestDigest;
    }

    /** The tag, else the digest: what the manifest is fetched by. */
    public String manifestReference() {
        return digest.map(Digest::toString).orElseGet(tag::orElseThrow);
    }

    /** The host the registry's API is served on (Docker Hub's API lives on registry-1.docker.io). */
    public String apiHost() {
        return registry.equals(DOCKER_HUB) ? "registry-1.docker.io" : registry;
    }

    @Override
    public String toString() {
        return familiarRepository() + tag.map(t -> ":" + t).orElse("") + digest.map(d -> "@" + d).orElse("");
    }
}
