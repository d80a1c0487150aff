package io.orch.agent.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.orch.api.json.DockerJson;
import io.orch.api.json.JsonModelException;
import io.orch.api.proto.Secret;
import io.orch.api.proto.SecretSpec;
import io.orch.api.proto.Version;
import io.orch.raft.store.Ids;
import io.orch.raft.store.ReadTx;
import io.orch.raft.store.StoreException;

import java.util.Set;

/**
 * {@code /secrets}: create, list, inspect, update (labels only), remove. The data goes into the
 * store and to the tasks that use the secret, never back out: no response carries
 * {@code Spec.Data}, and no error or log line quotes it.
 */
final class SecretRoutes {
    static final int MAX_SIZE = 500 * 1024;
    private static final Set<String> FILTERS = Set.of("id", "name", "names", "label");
    private final ApiContext context;

    SecretRoutes(ApiContext context) {
        this.context = context;
    }

    void register(Router router) {
        router.get("/secrets", this::list);
        router.post("/secrets/create", this::create);
        router.get("/secrets/{id}", this::inspect);
        router.post("/secrets/{id}/update", this::update);
        router.delete("/secrets/{id}", this::remove);
    }

    /** The Docker JSON of a secret, without its data. */
    static ObjectNode json(Secret s) {
        ObjectNode out = DockerJson.toJson(s.toBuilder().setSpec(s.getSpec().toBuilder().clearData()).build());
        if (out.get("Spec") instanceof ObjectNode spec) {
            spec.remove("Data");
            if (!spec.has("Labels")) {
                spec.putObject("Labels");
            }
        }
        return out;
    }

    static Secret resolve(ReadTx tx, String input) throws ApiException {
        return ObjectResolver.resolve("secret", input, tx.secrets(), Secret::getId, s -> s.getSpec().getName().equals(input));
    }

    ApiResponse list(ApiRequest request) throws ApiException {
        DockerFilters f = DockerFilters.parse(request.query("filters")).accept(FILTERS);
        ArrayNode out = context.store().read(tx -> {
            ArrayNode array = DockerJson.MAPPER.createArrayNode();
            for (Secret s : tx.secrets()) {
                String name = s.getSpec().getName();
                if (f.matchesPrefix("id", s.getId()) && f.matchesPrefix("name", name) && f.matchesExact("names", name)
                        && f.matchesLabels("label", s.getSpec().getLabelsMap())) {
                    array.add(json(s));
                }
            }
            return array;
        });
        return ApiResponse.ok(out);
    }

    private static SecretSpec spec(ApiRequest request) throws ApiException {
        JsonNode body = request.jsonBody();
        FileObjectRules.checkObject("secret", body);
        try {
            return DockerJson.merge(body, SecretSpec.newBuilder()).build();
        } catch (JsonModelException | IllegalArgumentException e) {
            // the message names the field; Data is base64 and its content is never quoted
            throw ApiException.badRequest("invalid secret spec: " + (body.has("Data") && e.getMessage() != null && e.getMessage().contains("Data")
                    ? "Data: must be base64" : e.getMessage()));
        }
    }

    ApiResponse create(ApiRequest request) throws ApiException, StoreException {
        SecretSpec spec = spec(request);
        FileObjectRules.checkName("secret", spec.getName());
        FileObjectRules.checkData("secret", spec.getData().size(), MAX_SIZE);
        Secret secret = Secret.newBuilder().setId(Ids.newId()).setSpec(spec).build();
        try {
            context.store().updateAndWait(tx -> {
                if (tx.read().secretByName(spec.getName()).isPresent()) {
                    throw new StoreException(StoreException.Reason.CONFLICT, "exists");
                }
                tx.create(secret);
            });
        } catch (StoreException e) {
            if (e.reason() == StoreException.Reason.CONFLICT) {
                throw ApiException.conflict("secret " + spec.getName() + " already exists");
            }
            throw e;
        }
        return ApiResponse.json(HttpResponseStatus.CREATED, DockerJson.MAPPER.createObjectNode().put("ID", secret.getId()));
    }

    ApiResponse inspect(ApiRequest request) throws ApiException {
        String input = request.pathParam("id");
        return ApiResponse.ok(json(StoreReads.read(context.store(), tx -> resolve(tx, input))));
    }

    /**
     * Only labels may change (Docker's rule). {@code docker stack deploy} re-sends the same data
     * on every deploy, so data equal to the stored data is accepted; different data is refused.
     */
    ApiResponse update(ApiRequest request) throws ApiException, StoreException {
        long version = request.requiredVersion();
        SecretSpec requested = spec(request);
        String input = request.pathParam("id");
        Secret current = StoreReads.read(context.store(), tx -> resolve(tx, input));
        if (current.getVersion().getIndex() != version) {
            throw ApiException.conflict("update out of sequence");
        }
        if (!requested.getName().isEmpty() && !requested.getName().equals(current.getSpec().getName())) {
            throw ApiException.badRequest("only updates to Labels are allowed (the name cannot change)");
        }
        if (!requested.getData().isEmpty() && !requested.getData().equals(current.getSpec().getData())) {
            throw ApiException.badRequest("only updates to Labels are allowed (secret data cannot change: create a new secret)");
        }
        Secret next = current.toBuilder().setVersion(Version.newBuilder().setIndex(version))
                .setSpec(current.getSpec().toBuilder().clearLabels().putAllLabels(requested.getLabelsMap())).build();
        try {
            context.store().updateAndWait(tx -> tx.update(next));
        } catch (StoreException e) {
            if (StoreErrors.outOfSequence(e)) {
                throw ApiException.conflict("update out of sequence");
            }
            throw e;
        }
        return ApiResponse.empty(HttpResponseStatus.OK);
    }

    /** 409 while a service refers to it, as Docker does. */
    ApiResponse remove(ApiRequest request) throws ApiException, StoreException {
        String input = request.pathParam("id");
        Secret secret = StoreReads.read(context.store(), tx -> {
            Secret s = resolve(tx, input);
            String users = FileObjectRules.usedBy(tx.services(), spec -> spec.getTaskTemplate().getContainerSpec().getSecretsList()
                    .stream().anyMatch(r -> r.getSecretId().equals(s.getId())));
            if (!users.isEmpty()) {
                throw ApiException.conflict("secret '" + s.getSpec().getName() + "' is in use by the following service: " + users);
            }
            return s;
        });
        context.store().updateAndWait(tx -> tx.read().secret(secret.getId()).ifPresent(tx::delete));
        return ApiResponse.empty(HttpResponseStatus.NO_CONTENT);
    }
}
