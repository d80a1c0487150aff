package io.orch.runtime.image.registry;

import java.util.List;

/** The manifest media types a pull understands: OCI and Docker, single-platform and multi-platform. */
final class MediaTypes {
    static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    static final List<String> MANIFEST_ACCEPT = List.of(OCI_INDEX, DOCKER_LIST, OCI_MANIFEST, DOCKER_MANIFEST);

    private MediaTypes() {}

    static boolean isIndex(String mediaType) {
        return mediaType.equals(OCI_INDEX) || mediaType.equals(DOCKER_LIST);
    }

    static boolean isImageManifest(String mediaType) {
        return mediaType.equals(OCI_MANIFEST) || mediaType.equals(DOCKER_MANIFEST);
    }

    /** Schema 1 (signed or not) predates content-addressed configs: refused with a clear message. */
    static boolean isSchema1(String mediaType) {
        return mediaType.startsWith("application/vnd.docker.distribution.manifest.v1");
    }
}
