package io.orch.cli.progress;

import io.orch.cli.client.CliException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Polls until the service has converged and stayed so for the verification period, printing
 * progress as it goes. The clock and the pause between polls are injected so the loop can be
 * driven in tests without waiting.
 */
public final class ConvergenceWatcher {
    public static final Duration POLL_INTERVAL = Duration.ofMillis(200);

    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private final ServicePoller poller;
    private final ProgressPrinter printer;
    private final LongSupplier nanoClock;
    private final Sleeper sleeper;

    public ConvergenceWatcher(ServicePoller poller, ProgressPrinter printer, LongSupplier nanoClock, Sleeper sleeper) {
        this.poller = poller;
        this.printer = printer;
        this.nanoClock = nanoClock;
        this.sleeper = sleeper;
    }

    public static ConvergenceWatcher realTime(ServicePoller poller, ProgressPrinter printer) {
        return new ConvergenceWatcher(poller, printer, System::nanoTime, d -> Thread.sleep(d.toMillis()));
    }

    /**
     * @return normally once converged
     * @throws CliException (exit 1) when the service reports a paused update, or when interrupted
     */
    public void awaitConverged(String serviceId) {
        awaitConverged(serviceId, UpdateProgress.Goal.CONVERGE);
    }

    /**
     * Waits as {@code goal} requires: convergence held for the verification period, and, while a
     * rollout runs, its end. {@code completed} (or {@code rollback_completed} for a rollback)
     * with the tasks converged ends the wait at once: the update loop has monitored them already.
     *
     * @throws CliException (exit 1) with docker's reason when the rollout paused, or was rolled
     *                      back while {@code goal} is an update
     */
    public void awaitConverged(String serviceId, UpdateProgress.Goal goal) {
        awaitConverged(serviceId, goal, null);
    }

    /**
     * @param before the UpdateStatus read before the command's own change: while the service
     *               still shows exactly that, it is an earlier rollout's and is ignored (a change
     *               that starts no rollout, e.g. of the replica count, leaves it in place)
     */
    public void awaitConverged(String serviceId, UpdateProgress.Goal goal, com.fasterxml.jackson.databind.JsonNode before) {
        VerifyTimer timer = null;
        long periodNanos = 0;
        while (true) {
            ServicePoller.Poll p = poller.poll();
            ConvergenceSnapshot snapshot = ConvergenceCalculator.compute(p.service(), p.tasks(), p.nodes());
            UpdateProgress update = before != null && !before.isMissingNode() && before.size() > 0
                    && before.equals(p.service().path("UpdateStatus")) ? new UpdateProgress("", "") : UpdateProgress.of(p.service());
            if (timer == null) {
                periodNanos = VerifyTimer.periodFor(p.service().path("Spec").path("UpdateConfig").path("Monitor").asLong(0));
                timer = new VerifyTimer(periodNanos);
            }
            List<ProgressFormatter.Line> lines = new ArrayList<>(ProgressFormatter.lines(snapshot));
            if (update.line() != null) {
                lines.add(0, new ProgressFormatter.Line("update", update.line()));
            }
            String failure = goal == UpdateProgress.Goal.CONVERGE ? snapshot.failure() : update.failure(goal);
            if (failure != null) {
                printer.frame(lines);
                throw new CliException(1, "Error: " + failure);
            }
            boolean converged = timer.observe(nanoClock.getAsLong(), snapshot.converged());
            boolean done = !update.inFlight() && (converged || (goal != UpdateProgress.Goal.CONVERGE
                    && update.finished() && snapshot.converged()));
            if (done) {
                lines.add(new ProgressFormatter.Line("verify", "verify: Service " + serviceId + " converged"));
                printer.frame(lines);
                return;
            }
            if (timer.verifying() && !update.inFlight()) {
                long seconds = Math.max(1, (periodNanos + 999_999_999L) / 1_000_000_000L);
                lines.add(new ProgressFormatter.Line("verify", "verify: Waiting " + seconds + " seconds to verify that tasks are stable..."));
            }
            printer.frame(lines);
            try {
                sleeper.sleep(POLL_INTERVAL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException(1, "Error: interrupted; the operation continues in the background");
            }
        }
    }
}
