package io.orch.agent.api;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.orch.api.proto.Node;
import io.orch.api.proto.Service;
import io.orch.api.proto.Task;
import io.orch.raft.store.ReadTx;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Finds the one object a user means, the way Docker does (moby daemon/cluster/helpers.go):
 * exact ID first, then exact name, then a unique ID prefix. Nothing: 404
 * {@code service x not found}; several: 400 {@code service x is ambiguous (2 matches found)}
 * (moby answers InvalidParameter, i.e. 400, for ambiguity).
 */
public final class ObjectResolver {
    private ObjectResolver() {}

    public static <T> T resolve(String kind, String input, List<T> all, Function<T, String> id,
                                Predicate<T> nameMatches) throws ApiException {
        if (input == null || input.isEmpty()) {
            throw ApiException.notFound(kind + " " + input + " not found");
        }
        Optional<T> exact = all.stream().filter(o -> id.apply(o).equals(input)).findFirst();
        if (exact.isPresent()) {
            return exact.get();
        }
        List<T> matches = new ArrayList<>();
        for (T o : all) {
            if (nameMatches.test(o)) {
                matches.add(o);
            }
        }
        if (matches.isEmpty()) {
            for (T o : all) {
                if (id.apply(o).startsWith(input)) {
                    matches.add(o);
                }
            }
        }
        if (matches.isEmpty()) {
            throw ApiException.notFound(kind + " " + input + " not found");
        }
        if (matches.size() > 1) {
            throw new ApiException(HttpResponseStatus.BAD_REQUEST,
                    kind + " " + input + " is ambiguous (" + matches.size() + " matches found)");
        }
        return matches.get(0);
    }

    public static Service service(ReadTx tx, String input) throws ApiException {
        Optional<Service> byId = tx.service(input);
        if (byId.isPresent()) {
            return byId.get();
        }
        return resolve("service", input, tx.services(), Service::getId, s -> s.getSpec().getName().equals(input));
    }

    /** Nodes are also found by hostname (what {@code docker node ls} shows). */
    public static Node node(ReadTx tx, String input) throws ApiException {
        Optional<Node> byId = tx.node(input);
        if (byId.isPresent()) {
            return byId.get();
        }
        return resolve("node", input, tx.nodes(), Node::getId,
                n -> n.getSpec().getName().equals(input) || n.getDescription().getHostname().equals(input));
    }

    public static Task task(ReadTx tx, String input) throws ApiException {
        Optional<Task> byId = tx.task(input);
        if (byId.isPresent()) {
            return byId.get();
        }
        return resolve("task", input, tx.tasks(), Task::getId, t -> TaskNames.name(tx, t).equals(input));
    }
}
