package io.orch.scheduler.filter;

import java.util.Optional;

/**
 * Image references as the scheduler compares them, by docker's naming rules (the same as the
 * node's image store; scheduler/ may not depend on runtime/): "busybox" is
 * "busybox:latest", Docker Hub's "docker.io/library/" prefix is dropped, and a reference names
 * a registry when its first component contains '.' or ':' or is "localhost".
 */
public final class ImageNames {
    private ImageNames() {}

    /** One spelling per reference: "busybox", "busybox:latest" and "docker.io/library/busybox:latest" are one; a digest stays. */
    public static String canonical(String ref) {
        return familiarTag(ref) + digest(ref).map(d -> "@" + d).orElse("");
    }

    /** "name:tag" (tag defaults to latest) without any digest, as nodes list their tags. */
    static String familiarTag(String ref) {
        String r = stripDockerHub(withoutDigest(ref.trim()));
        int colon = r.lastIndexOf(':');
        return colon > r.lastIndexOf('/') ? r : r + ":latest";
    }

    /** The repository without tag or digest ("busybox", "127.0.0.1:5000/app"). */
    static String repository(String ref) {
        String r = stripDockerHub(withoutDigest(ref.trim()));
        int colon = r.lastIndexOf(':');
        return colon > r.lastIndexOf('/') ? r.substring(0, colon) : r;
    }

    /** The "sha256:..." pinned with '@', if any. */
    static Optional<String> digest(String ref) {
        int at = ref.indexOf('@');
        return at < 0 ? Optional.empty() : Optional.of(ref.substring(at + 1).trim());
    }

    /** Whether the reference says which registry to pull from (a node that can pull then can get it). */
    static boolean namesRegistry(String ref) {
        String r = withoutDigest(ref.trim());
        int slash = r.indexOf('/');
        if (slash <= 0) {
            return false;
        }
        String first = r.substring(0, slash);
        return first.contains(".") || first.contains(":") || first.equals("localhost");
    }

    private static String withoutDigest(String ref) {
        int at = ref.indexOf('@');
        return at < 0 ? ref : ref.substring(0, at);
    }

    private static String stripDockerHub(String r) {
        for (String prefix : new String[] {"docker.io/library/", "index.docker.io/library/", "docker.io/", "index.docker.io/"}) {
            if (r.startsWith(prefix)) {
                return r.substring(prefix.length());
            }
        }
        return r;
    }
}
