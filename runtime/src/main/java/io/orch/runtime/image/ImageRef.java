package io.orch.runtime.image;

/**
 * Image reference normalisation as the docker CLI shows names: "busybox" is "busybox:latest",
 * and Docker Hub's "docker.io/library/" prefix is dropped. Digest references are kept as given.
 */
public final class ImageRef {
    private ImageRef() {}

    public static String normalize(String ref) {
        String r = ref.trim();
        for (String prefix : new String[] {"docker.io/library/", "index.docker.io/library/", "docker.io/", "index.docker.io/"}) {
            if (r.startsWith(prefix)) {
                r = r.substring(prefix.length());
                break;
            }
        }
        if (r.contains("@")) {
            return r;
        }
        int lastSlash = r.lastIndexOf('/');
        int colon = r.lastIndexOf(':');
        return colon > lastSlash ? r : r + ":latest";
    }
}
