package io.orch.agent.api;

import io.orch.api.proto.ContainerSpec;
import io.orch.api.proto.PullOptions;
import io.orch.api.proto.Service;
import io.orch.api.proto.ServiceSpec;
import io.orch.runtime.image.registry.RegistryAuth;

import java.util.Optional;

/**
 * A service's registry login ({@code docker service create|update --with-registry-auth}), as moby
 * keeps it (daemon/cluster/services.go): the {@code X-Registry-Auth} header goes into the task
 * template's ContainerSpec.PullOptions, from where each task carries it to the node that pulls.
 * An update without the header keeps the login of the current spec, or of the previous one with
 * {@code registryAuthFrom=previous-spec}.
 *
 * <p>Where it lives: in the service and task objects of the Raft log and its snapshots, like
 * secrets (encrypting them at rest is a separate matter); never in API output, since PullOptions is
 * an {@code (internal)} field that DockerJson does not write, and never in logs.
 */
final class ServiceRegistryAuth {
    static final String HEADER = "X-Registry-Auth";

    private ServiceRegistryAuth() {}

    static ServiceSpec onCreate(ServiceSpec spec, ApiRequest request) throws ApiException {
        Optional<String> header = request.header(HEADER);
        return header.isPresent() ? withAuth(spec, login(header.get())) : spec;
    }

    static ServiceSpec onUpdate(ServiceSpec requested, Service current, ApiRequest request) throws ApiException {
        Optional<String> header = request.header(HEADER);
        if (header.isPresent()) {
            return withAuth(requested, login(header.get()));
        }
        String from = request.query("registryAuthFrom").filter(s -> !s.isEmpty()).orElse("spec");
        ServiceSpec source = switch (from) {
            case "spec" -> current.getSpec();
            case "previous-spec" -> current.getPreviousSpec();
            default -> throw ApiException.badRequest("registryAuthFrom: must be spec or previous-spec, got " + from);
        };
        ContainerSpec kept = source.getTaskTemplate().getContainerSpec();
        return kept.hasPullOptions() ? withPullOptions(requested, kept.getPullOptions()) : requested;
    }

    /** The login the header carries, re-encoded with only the fields a pull uses; empty for "{}". */
    private static Optional<String> login(String header) throws ApiException {
        try {
            Optional<RegistryAuth> auth = RegistryAuth.decode(header);
            if (auth.isPresent()) {
                auth.get().credentials(); // refuses a login this node cannot use (only an identity token)
            }
            return auth.map(RegistryAuth::encode);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage()); // names the header, never its value
        }
    }

    private static ServiceSpec withAuth(ServiceSpec spec, Optional<String> encoded) {
        if (encoded.isEmpty()) {
            ServiceSpec.Builder b = spec.toBuilder();
            b.getTaskTemplateBuilder().getContainerSpecBuilder().clearPullOptions();
            return b.build();
        }
        return withPullOptions(spec, PullOptions.newBuilder().setRegistryAuth(encoded.get()).build());
    }

    private static ServiceSpec withPullOptions(ServiceSpec spec, PullOptions options) {
        ServiceSpec.Builder b = spec.toBuilder();
        b.getTaskTemplateBuilder().getContainerSpecBuilder().setPullOptions(options);
        return b.build();
    }
}
