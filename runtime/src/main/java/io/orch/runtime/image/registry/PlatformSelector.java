package io.orch.runtime.image.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.orch.runtime.image.Digest;
import java.util.ArrayList;
import java.util.List;

/** Picks the manifest for one platform (linux/ARCH) out of an OCI index or Docker manifest list. */
final class PlatformSelector {
    private PlatformSelector() {}

    /** The architecture name images use for this JVM's platform (amd64, arm64...). */
    static String hostArchitecture() {
        return switch (System.getProperty("os.arch")) {
            case "x86_64", "amd64" -> "amd64";
            case "aarch64" -> "arm64";
            default -> System.getProperty("os.arch");
        };
    }

    /** The chosen entry's digest and size; a clear error listing what the index offers otherwise. */
    static Descriptor select(JsonNode index, String os, String architecture, String what) throws RegistryException {
        List<String> offered = new ArrayList<>();
        for (JsonNode m : index.path("manifests")) {
            JsonNode p = m.path("platform");
            String mOs = p.path("os").asText("");
            String mArch = p.path("architecture").asText("");
            offered.add(mOs + "/" + mArch);
            if (mOs.equals(os) && mArch.equals(architecture)) {
                return Descriptor.of(m, what);
            }
        }
        throw new RegistryException("no matching manifest for " + os + "/" + architecture + " in the manifest list entries of "
                + what + " (it has " + (offered.isEmpty() ? "none" : String.join(", ", offered)) + ")");
    }

    /** A content descriptor: media type, digest and size. */
    record Descriptor(String mediaType, Digest digest, long size) {
        static Descriptor of(JsonNode d, String what) throws RegistryException {
            try {
                return new Descriptor(d.path("mediaType").asText(""), Digest.parse(d.path("digest").asText(null)),
                        d.path("size").asLong(-1));
            } catch (IllegalArgumentException e) {
                throw new RegistryException("bad descriptor in the manifest of " + what + ": " + e.getMessage());
            }
        }
    }
}
