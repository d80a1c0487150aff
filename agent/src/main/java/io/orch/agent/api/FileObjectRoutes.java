package io.orch.agent.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.orch.api.json.DockerJson;
import io.orch.api.json.JsonModelException;
import io.orch.api.json.UnsupportedFieldException;
import io.orch.raft.store.Ids;
import io.orch.raft.store.ObjectKind;
import io.orch.raft.store.ReadTx;
import io.orch.raft.store.StoreException;

import java.util.Set;

/**
 * {@code /secrets} and {@code /configs}: create, list, inspect, update (labels only), remove.
 * A secret's data goes into the store and to the tasks that use it, never back out: no response
 * carries its {@code Spec.Data}, and no error or log line quotes it. A config's data is not
 * confidential: inspect returns it (base64), as Docker does.
 */
final class FileObjectRoutes<T extends Message, S extends Message> {
    private static final Set<String> FILTERS = Set.of("id", "name", "names", "label");
    private final ApiContext context;
    private final FileObjectKind<T, S> kind;
    private final String noun;

    FileObjectRoutes(ApiContext context, FileObjectKind<T, S> kind) {
        this.context = context;
        this.kind = kind;
        this.noun = kind.noun();
    }

    void register(Router router) {
        String base = "/" + noun + "s";
        router.get(base, this::list);
        router.post(base + "/create", this::create);
        router.get(base + "/{id}", this::inspect);
        router.post(base + "/{id}/update", this::update);
        router.delete(base + "/{id}", this::remove);
    }

    /** The Docker JSON of the object; without its data unless the kind's data may be shown. */
    ObjectNode json(T object) {
        Message shown = object;
        if (!kind.dataVisible()) {
            FieldDescriptor specField = object.getDescriptorForType().findFieldByName("spec");
            Message spec = (Message) object.getField(specField);
            Message withoutData = spec.toBuilder().clearField(spec.getDescriptorForType().findFieldByName("data")).build();
            shown = object.toBuilder().setField(specField, withoutData).build();
        }
        ObjectNode out = DockerJson.toJson(shown);
        if (out.get("Spec") instanceof ObjectNode spec) {
            if (!kind.dataVisible()) {
                spec.remove("Data");
            }
            if (!spec.has("Labels")) {
                spec.putObject("Labels");
            }
        }
        return out;
    }

    private T resolve(ReadTx tx, String input) throws ApiException {
        return ObjectResolver.resolve(noun, input, kind.all(tx), kind::id, o -> kind.name(kind.spec(o)).equals(input));
    }

    ApiResponse list(ApiRequest request) throws ApiException {
        DockerFilters f = DockerFilters.parse(request.query("filters")).accept(FILTERS);
        ArrayNode out = context.store().read(tx -> {
            ArrayNode array = DockerJson.MAPPER.createArrayNode();
            for (T o : kind.all(tx)) {
                String name = kind.name(kind.spec(o));
                if (f.matchesPrefix("id", kind.id(o)) && f.matchesPrefix("name", name) && f.matchesExact("names", name)
                        && f.matchesLabels("label", kind.labels(kind.spec(o)))) {
                    array.add(json(o));
                }
            }
            return array;
        });
        return ApiResponse.ok(out);
    }

    @SuppressWarnings("unchecked")
    private S spec(ApiRequest request) throws ApiException {
        JsonNode body = request.jsonBody();
        FileObjectRules.checkObject(noun, body);
        try {
            return (S) DockerJson.mergeStrict(body, kind.newSpecBuilder()).build();
        } catch (UnsupportedFieldException e) {
            throw ApiException.badRequest("invalid " + noun + " spec: " + RefusedFields.message(e));
        } catch (JsonModelException | IllegalArgumentException e) {
            // the message names the field; Data is base64 and its content is never quoted
            throw ApiException.badRequest("invalid " + noun + " spec: " + (body.has("Data") && e.getMessage() != null
                    && e.getMessage().contains("Data") ? "Data: must be base64" : e.getMessage()));
        }
    }

    ApiResponse create(ApiRequest request) throws ApiException, StoreException {
        S spec = spec(request);
        String name = kind.name(spec);
        FileObjectRules.checkName(noun, name);
        FileObjectRules.checkData(noun, kind.data(spec).size(), kind.maxSize());
        LabelLimits.check("invalid " + noun + " spec: ", spec);
        T object = kind.create(Ids.newId(), spec);
        try {
            context.store().updateAndWait(tx -> {
                if (kind.byName(tx.read(), name).isPresent()) {
                    throw new StoreException(StoreException.Reason.CONFLICT, "exists");
                }
                tx.create(object);
            });
        } catch (StoreException e) {
            if (e.reason() == StoreException.Reason.CONFLICT) {
                throw ApiException.conflict(noun + " " + name + " already exists");
            }
            throw e;
        }
        return ApiResponse.json(HttpResponseStatus.CREATED, DockerJson.MAPPER.createObjectNode().put("ID", kind.id(object)));
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
        S requested = spec(request);
        LabelLimits.check("invalid " + noun + " spec: ", requested);
        String input = request.pathParam("id");
        T current = StoreReads.read(context.store(), tx -> resolve(tx, input));
        S currentSpec = kind.spec(current);
        if (ObjectKind.version(current) != version) {
            throw ApiException.conflict("update out of sequence");
        }
        String requestedName = kind.name(requested);
        if (!requestedName.isEmpty() && !requestedName.equals(kind.name(currentSpec))) {
            throw ApiException.badRequest("only updates to Labels are allowed (the name cannot change)");
        }
        if (!kind.data(requested).isEmpty() && !kind.data(requested).equals(kind.data(currentSpec))) {
            throw ApiException.badRequest("only updates to Labels are allowed (" + noun + " data cannot change: create a new "
                    + noun + ")");
        }
        T next = kind.withLabels(current, version, kind.labels(requested));
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
        T object = StoreReads.read(context.store(), tx -> {
            T o = resolve(tx, input);
            String users = FileObjectRules.usedBy(tx.services(),
                    spec -> kind.usedBy(spec.getTaskTemplate().getContainerSpec(), kind.id(o)));
            if (!users.isEmpty()) {
                throw ApiException.conflict(noun + " '" + kind.name(kind.spec(o)) + "' is in use by the following service: " + users);
            }
            return o;
        });
        String id = kind.id(object);
        context.store().updateAndWait(tx -> kind.byId(tx.read(), id).ifPresent(tx::delete));
        return ApiResponse.empty(HttpResponseStatus.NO_CONTENT);
    }
}
