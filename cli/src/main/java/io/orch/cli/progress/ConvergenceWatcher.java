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
        VerifyTimer timer = null;
        long periodNanos = 0;
        while (true) {
            ServicePoller.Poll p = poller.poll();
            ConvergenceSnapshot snapshot = ConvergenceCalculator.compute(p.service(), p.tasks(), p.nodes());
            if (timer == null) {
                periodNanos = VerifyTimer.periodFor(p.service().path("Spec").path("UpdateConfig").path("Monitor").asLong(0));
                timer = new VerifyTimer(periodNanos);
            }
            List<ProgressFormatter.Line> lines = new ArrayList<>(ProgressFormatter.lines(snapshot));
            if (snapshot.failure() != null) {
                printer.frame(lines);
                throw new CliException(1, "Error: " + snapshot.failure());
            }
            boolean done = timer.observe(nanoClock.getAsLong(), snapshot.converged());
            if (done) {
                lines.add(new ProgressFormatter.Line("verify", "verify: Service " + serviceId + " converged"));
                printer.frame(lines);
                return;
            }
            if (timer.verifying()) {
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
