package io.orch.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.orch.api.Defaults;
import io.orch.cli.OrchCli;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

/** {@code orch version}: the client's section first, so it shows even when the agent is down. */
@Command(name = "version", description = "Show the orch version information.")
public final class VersionCommand extends OrchCommand {
    @Override
    public Integer call() {
        PrintWriter out = out();
        out.println("Client:");
        out.println(" Version:           " + OrchCli.clientVersion());
        out.println(" API version:       " + Defaults.API_VERSION);
        out.println(" Java version:      " + System.getProperty("java.version"));
        out.println(" OS/Arch:           " + System.getProperty("os.name").toLowerCase() + "/" + System.getProperty("os.arch"));
        out.println();
        out.flush();
        JsonNode v = api().version();
        out.println("Server:");
        out.println(" Version:           " + v.path("Version").asText());
        out.println(" API version:       " + v.path("ApiVersion").asText() + " (minimum version " + v.path("MinAPIVersion").asText() + ")");
        if (v.hasNonNull("GitCommit")) out.println(" Git commit:        " + v.path("GitCommit").asText());
        out.println(" OS/Arch:           " + v.path("Os").asText() + "/" + v.path("Arch").asText());
        if (v.hasNonNull("KernelVersion")) out.println(" Kernel version:    " + v.path("KernelVersion").asText());
        out.flush();
        return 0;
    }
}
