package io.orch.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orch.cli.client.CliException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code orch login [SERVER] -u USER (-p PASSWORD | --password-stdin)}: the agent checks the
 * login against the registry from its node ({@code POST /auth}, as {@code docker login}) and says
 * "Login Succeeded". orch keeps no credential store: the login is not saved. To have nodes pull
 * with it, use {@code docker login} and {@code docker service create --with-registry-auth}.
 */
@Command(name = "login", description = "Check a registry login from the agent's node (the login is not saved; "
        + "use docker login and --with-registry-auth to pull with it).")
public final class LoginCommand extends OrchCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "SERVER", description = "Registry host[:port] (default: Docker Hub).")
    String server = "";

    @Option(names = {"-u", "--username"}, required = true, paramLabel = "USER", description = "Username.")
    String username;

    @Option(names = {"-p", "--password"}, paramLabel = "PASSWORD", description = "Password (prefer --password-stdin).")
    String password;

    @Option(names = "--password-stdin", description = "Read the password from stdin.")
    boolean passwordStdin;

    @Override
    public Integer call() {
        if (password != null && passwordStdin) {
            throw new CliException(2, "Error: --password and --password-stdin are mutually exclusive");
        }
        String secret = password;
        if (passwordStdin) {
            try {
                // a password is short; bound what is read so a wrong redirect cannot fill memory
                secret = new String(System.in.readNBytes(64 * 1024), StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new CliException(1, "Error: reading the password from stdin failed: " + e.getMessage());
            }
        }
        if (secret == null || secret.isEmpty()) {
            throw new CliException(2, "Error: a password is required (-p PASSWORD or --password-stdin)");
        }
        ObjectNode body = new ObjectMapper().createObjectNode()
                .put("username", username).put("password", secret).put("serveraddress", server);
        JsonNode answer = api().post("/auth", body);
        out().println(answer.path("Status").asText("Login Succeeded"));
        out().flush();
        return 0;
    }
}
