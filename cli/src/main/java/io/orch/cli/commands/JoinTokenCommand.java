package io.orch.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orch.api.Defaults;
import io.orch.cli.ExitCodes;
import io.orch.cli.client.CliException;
import io.orch.cli.render.Json;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code orch join-token [-q] [--rotate] worker|manager}, like {@code docker swarm join-token}:
 * reads the token from GET /swarm and the manager's address from GET /info; {@code --rotate}
 * first asks for a new token (POST /swarm/update?rotateWorkerToken=true with the spec as read),
 * after which the old token admits no one.
 */
@Command(name = "join-token", description = "Show (or rotate) the token other nodes join the cluster with.")
public final class JoinTokenCommand extends OrchCommand {
    @Parameters(index = "0", paramLabel = "worker|manager", converter = Role.class, description = "Which token: worker or manager.")
    String role;

    @Option(names = {"-q", "--quiet"}, description = "Only display the token.")
    boolean quiet;

    @Option(names = "--rotate", description = "Replace the token with a new one; the old one stops working.")
    boolean rotate;

    @Override
    public Integer call() {
        boolean worker = role.equals("worker");
        PrintWriter out = out();
        if (rotate) {
            JsonNode swarm = api().get("/swarm");
            long version = swarm.path("Version").path("Index").asLong();
            ObjectNode spec = swarm.path("Spec").isObject() ? ((ObjectNode) swarm.path("Spec")).deepCopy() : Json.mapper().createObjectNode();
            api().post("/swarm/update?version=" + version + "&rotateWorkerToken=" + worker + "&rotateManagerToken=" + !worker, spec);
            if (!quiet) {
                out.printf("Successfully rotated %s join token.%n%n", role);
            }
        }
        String token = api().get("/swarm").path("JoinTokens").path(worker ? "Worker" : "Manager").asText("");
        if (token.isEmpty()) {
            throw new CliException(ExitCodes.FAILURE, "Error: the agent returned no " + role + " join token");
        }
        if (quiet) {
            out.println(token);
        } else {
            out.printf("To add a %s to this swarm, run the following command:%n%n    orch join --token %s %s%n%n",
                    role, token, managerAddress(api().info()));
        }
        out.flush();
        return ExitCodes.OK;
    }

    /** This node's manager address if it is a manager, else another manager's, else its node address on the default port. */
    static String managerAddress(JsonNode info) {
        JsonNode swarm = info.path("Swarm");
        String self = swarm.path("NodeID").asText("");
        String first = "";
        for (JsonNode m : swarm.path("RemoteManagers")) {
            String addr = m.path("Addr").asText("");
            if (!addr.isEmpty() && m.path("NodeID").asText("").equals(self)) {
                return addr;
            }
            if (first.isEmpty()) {
                first = addr;
            }
        }
        if (!first.isEmpty()) {
            return first;
        }
        String nodeAddr = swarm.path("NodeAddr").asText("");
        return (nodeAddr.isEmpty() ? "MANAGER-ADDRESS" : nodeAddr) + ":" + Defaults.LISTEN_PORT;
    }

    public static final class Role extends Converters.OneOfValues {
        public Role() { super("invalid role", "worker", "manager"); }
    }
}
