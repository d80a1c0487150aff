package io.orch.cli.commands;

import io.orch.cli.client.DockerApi;
import io.orch.cli.progress.ConvergenceWatcher;
import io.orch.cli.progress.ProgressPrinter;
import io.orch.cli.progress.ServicePoller;
import io.orch.cli.progress.UpdateProgress;
import java.io.PrintWriter;

/**
 * Waiting for convergence from a command: Ctrl-C stops only the waiting, the cluster carries on,
 * so say so (docker does the same).
 */
final class ConvergenceWait {
    private ConvergenceWait() {}

    static void await(DockerApi api, String serviceId, PrintWriter out, boolean terminal) {
        await(api, serviceId, out, terminal, UpdateProgress.Goal.CONVERGE, null);
    }

    static void await(DockerApi api, String serviceId, PrintWriter out, boolean terminal, UpdateProgress.Goal goal,
                      com.fasterxml.jackson.databind.JsonNode statusBefore) {
        Thread note = new Thread(() -> {
            out.println();
            out.println("Operation continuing in background.");
            out.println("Use `orch service ps " + serviceId + "` to check progress.");
            out.flush();
        }, "orch-interrupt-note");
        Runtime.getRuntime().addShutdownHook(note);
        try {
            ConvergenceWatcher.realTime(ServicePoller.of(api, serviceId), new ProgressPrinter(out, terminal)).awaitConverged(serviceId, goal, statusBefore);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(note);
            } catch (IllegalStateException shuttingDown) {
                // already exiting: the hook prints the note
            }
        }
    }
}
