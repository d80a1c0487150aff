package io.orch.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orch.cli.parse.Filters;
import io.orch.cli.progress.UpdateProgress;
import io.orch.cli.spec.RolloutOptions;
import io.orch.cli.spec.ServiceSpecBuilder;
import io.orch.cli.spec.ServiceSpecUpdater;
import io.orch.cli.spec.ServiceUpdateOptions;
import io.orch.cli.client.RegistryAuth;
import io.orch.cli.parse.FileReferences.FileReference;
import io.orch.cli.spec.ContainerListUpdateOptions;
import java.io.PrintWriter;
import java.util.stream.Collectors;
import java.io.Writer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code orch service update [OPTIONS] SERVICE}: reads the service, applies the flags to its
 * spec, sends it back with the version it read, prints the name and (unless -d) follows the
 * rollout like docker. Exit 1 with the reason when the rollout paused or was rolled back.
 * Beyond Swarm: {@code --pause} / {@code --resume} act on the rollout in flight.
 */
@Command(name = "update", description = "Update a service.")
public final class ServiceUpdateCommand extends OrchCommand {
    @Mixin
    ServiceUpdateOptions options;

    @Mixin
    RolloutOptions rollout;

    @Option(names = "--pause", description = "orch: pause the update (or rollback) in progress.")
    boolean pause;

    @Option(names = "--resume", description = "orch: resume a paused update (or rollback).")
    boolean resume;

    @Option(names = {"-d", "--detach"}, description = "Exit immediately instead of waiting for the service to converge.")
    boolean detach;

    @Option(names = {"-q", "--quiet"}, description = "Suppress progress output.")
    boolean quiet;

    @Option(names = "--rollback", description = "Rollback to previous specification (as `service rollback`; no other flag).")
    boolean rollback;

    @Parameters(index = "0", paramLabel = "SERVICE")
    String service;

    @Override
    public Integer call() {
        if (pause && resume) {
            throw new ParameterException(spec.commandLine(), "--pause and --resume cannot be used together");
        }
        if (rollback && changesSpec("--rollback")) {
            throw new ParameterException(spec.commandLine(), "other flags may not be combined with --rollback");
        }
        JsonNode current = api().service(service, false);
        String id = current.path("ID").asText();
        long version = current.path("Version").path("Index").asLong();
        if (rollback) {
            api().post("/services/" + Filters.encode(id) + "/update?rollback=previous&version=" + version, current.path("Spec"));
            out().println(service);
            out().flush();
            if (!detach) {
                PrintWriter progress = quiet ? new PrintWriter(Writer.nullWriter()) : out();
                ConvergenceWait.await(api(), id, progress, environment().terminal(), UpdateProgress.Goal.ROLLBACK, current.path("UpdateStatus"));
            }
            return 0;
        }
        if (pause || resume) {
            if (changesSpec("--pause", "--resume")) {
                throw new ParameterException(spec.commandLine(), "--pause and --resume change nothing else: give no other flag");
            }
            api().post("/services/" + Filters.encode(id) + "/update?version=" + version + "&updateAction=" + (pause ? "pause" : "resume"),
                    current.path("Spec"));
            out().println(service);
            out().flush();
            if (pause || detach) {
                return 0;
            }
            follow(id, null);
            return 0;
        }
        // the stored spec names networks by ID: let --network-rm/--network-add match names too
        if (!options.networkRm.isEmpty() || !options.networkAdd.isEmpty()) {
            for (JsonNode n : api().get("/networks")) {
                options.networkIds.put(n.path("Name").asText(), n.path("Id").asText());
            }
        }
        ContainerListUpdateOptions lists = options.lists;
        lists.secretIds = FileObjectIds.lookup(api(), "secrets", lists.secretAdd.stream().map(FileReference::source).collect(Collectors.toSet()));
        lists.configIds = FileObjectIds.lookup(api(), "configs", lists.configAdd.stream().map(FileReference::source).collect(Collectors.toSet()));
        ObjectNode next;
        try {
            next = ServiceSpecUpdater.apply(current.path("Spec"), options, rollout);
        } catch (ServiceSpecBuilder.InvalidCombinationException e) {
            throw new ParameterException(spec.commandLine(), "invalid argument for \"" + e.flag + "\": " + e.getMessage());
        }
        String auth = options.container.withRegistryAuth
                ? RegistryAuth.forImage(next.path("TaskTemplate").path("ContainerSpec").path("Image").asText(), environment().env()) : null;
        api().updateService(id, version, next, auth);
        out().println(service);
        out().flush();
        if (!detach) {
            follow(id, current.path("UpdateStatus"));
        }
        return 0;
    }

    private void follow(String id, JsonNode statusBefore) {
        PrintWriter progress = quiet ? new PrintWriter(Writer.nullWriter()) : out();
        ConvergenceWait.await(api(), id, progress, environment().terminal(), UpdateProgress.Goal.UPDATE, statusBefore);
    }

    /** Whether any flag other than {@code allowed}, --detach and --quiet was given. */
    private boolean changesSpec(String... allowed) {
        java.util.Set<String> ok = new java.util.HashSet<>(java.util.List.of(allowed));
        ok.add("--detach");
        ok.add("--quiet");
        return spec.commandLine().getParseResult().matchedOptions().stream().anyMatch(o -> !ok.contains(o.longestName()));
    }
}
