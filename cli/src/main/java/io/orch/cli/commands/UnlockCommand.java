package io.orch.cli.commands;

import io.orch.cli.ExitCodes;
import io.orch.cli.client.CliException;
import io.orch.cli.render.Json;
import picocli.CommandLine.Command;

import java.io.ByteArrayOutputStream;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * {@code orch unlock}, like {@code docker swarm unlock}: reads the unlock key from standard input
 * (never from the command line, where other users see it in the process list), prompting without
 * echo on a terminal, and sends it to the locked manager (POST /swarm/unlock).
 */
@Command(name = "unlock", description = "Unlock a manager locked by autolock; reads the SWMKEY-1-... key from standard input.")
public final class UnlockCommand extends OrchCommand {
    /** A key is 52 characters; anything far longer is not one (and is not read whole). */
    static final int MAX_INPUT = 1024;

    @Override
    public Integer call() {
        String key = readKey();
        if (key.isEmpty()) {
            throw new CliException(ExitCodes.USAGE, "Error: no unlock key on standard input");
        }
        api().post("/swarm/unlock", Json.mapper().createObjectNode().put("UnlockKey", key));
        return ExitCodes.OK;
    }

    private static String readKey() {
        Console console = System.console();
        if (console != null) {
            char[] typed = console.readPassword("Enter unlock key: ");
            return typed == null ? "" : new String(typed).strip();
        }
        try {
            InputStream in = System.in;
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int b; (b = in.read()) != -1 && b != '\n'; ) {
                if (line.size() >= MAX_INPUT) {
                    throw new CliException(ExitCodes.USAGE, "Error: invalid key: the input is longer than " + MAX_INPUT + " bytes");
                }
                line.write(b);
            }
            return line.toString(StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            throw new CliException(ExitCodes.FAILURE, "Error: cannot read standard input: " + e.getMessage());
        }
    }
}
