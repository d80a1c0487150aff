package io.orch.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orch.cli.ExitCodes;
import io.orch.cli.client.CliException;
import io.orch.cli.render.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;

/**
 * {@code orch unlock-key [-q] [--rotate]}, like {@code docker swarm unlock-key}: shows the managers'
 * unlock key (GET /swarm/unlockkey); {@code --rotate} first asks for a new one (POST
 * /swarm/update?rotateManagerUnlockKey=true with the spec as read). Every manager re-encrypts its
 * key file with the new key; a manager that was down meanwhile still needs the old one.
 */
@Command(name = "unlock-key", description = "Show (or rotate) the managers' unlock key (autolock).")
public final class UnlockKeyCommand extends OrchCommand {
    @Option(names = {"-q", "--quiet"}, description = "Only display the key.")
    boolean quiet;

    @Option(names = "--rotate", description = "Replace the unlock key with a new one; managers restarted from now on need the new one.")
    boolean rotate;

    @Override
    public Integer call() {
        PrintWriter out = out();
        if (rotate) {
            JsonNode swarm = api().get("/swarm");
            if (!swarm.path("Spec").path("EncryptionConfig").path("AutoLockManagers").asBoolean(false)) {
                throw new CliException(ExitCodes.FAILURE, "Error: the cluster is not autolocked, so it has no unlock key to "
                        + "rotate; turn autolock on with: orch cluster update --autolock=true");
            }
            long version = swarm.path("Version").path("Index").asLong();
            ObjectNode spec = swarm.path("Spec").isObject() ? ((ObjectNode) swarm.path("Spec")).deepCopy() : Json.mapper().createObjectNode();
            api().post("/swarm/update?version=" + version + "&rotateManagerUnlockKey=true", spec);
            if (!quiet) {
                out.printf("Successfully rotated manager unlock key.%n%n");
            }
        }
        String key = api().get("/swarm/unlockkey").path("UnlockKey").asText("");
        if (key.isEmpty()) {
            throw new CliException(ExitCodes.FAILURE, "Error: no unlock key is set (autolock is off)");
        }
        if (quiet) {
            out.println(key);
        } else {
            printUnlockKey(out, key);
        }
        out.flush();
        return ExitCodes.OK;
    }

    /** Docker's words, with orch's command. */
    static void printUnlockKey(PrintWriter out, String key) {
        out.printf("To unlock a swarm manager after it restarts, run the `orch unlock`%ncommand and provide the following key:"
                + "%n%n    %s%n%nRemember to store this key in a password manager, since without it you%n"
                + "will not be able to restart the manager.%n", key);
    }
}
