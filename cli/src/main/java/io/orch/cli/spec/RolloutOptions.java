package io.orch.cli.spec;

import io.orch.cli.commands.Converters;
import picocli.CommandLine.Option;

/**
 * The rollout and health flags shared by {@code service create} and {@code service update}, with
 * docker's names: --update-*, --rollback-*, --health-*, --no-healthcheck. A null field means
 * "flag not given" (only given flags change the spec).
 */
public class RolloutOptions {
    @Option(names = "--update-parallelism", converter = Converters.NonNegativeLong.class, description = "Maximum number of tasks updated simultaneously (0 to update all at once).")
    public Long updateParallelism;

    @Option(names = "--update-delay", converter = Converters.Duration.class, description = "Delay between updates (ns|us|ms|s|m|h).")
    public Long updateDelay;

    @Option(names = "--update-monitor", converter = Converters.Duration.class, description = "Duration after each task update to monitor for failure (ns|us|ms|s|m|h).")
    public Long updateMonitor;

    @Option(names = "--update-failure-action", converter = UpdateFailureAction.class, description = "Action on update failure: pause, continue or rollback.")
    public String updateFailureAction;

    @Option(names = "--update-max-failure-ratio", converter = Ratio.class, description = "Failure rate to tolerate during an update (0 to 1).")
    public Double updateMaxFailureRatio;

    @Option(names = "--update-order", converter = Order.class, description = "Update order: start-first or stop-first.")
    public String updateOrder;

    @Option(names = "--rollback-parallelism", converter = Converters.NonNegativeLong.class, description = "Maximum number of tasks rolled back simultaneously (0 to roll back all at once).")
    public Long rollbackParallelism;

    @Option(names = "--rollback-delay", converter = Converters.Duration.class, description = "Delay between task rollbacks (ns|us|ms|s|m|h).")
    public Long rollbackDelay;

    @Option(names = "--rollback-monitor", converter = Converters.Duration.class, description = "Duration after each task rollback to monitor for failure (ns|us|ms|s|m|h).")
    public Long rollbackMonitor;

    @Option(names = "--rollback-failure-action", converter = RollbackFailureAction.class, description = "Action on rollback failure: pause or continue.")
    public String rollbackFailureAction;

    @Option(names = "--rollback-max-failure-ratio", converter = Ratio.class, description = "Failure rate to tolerate during a rollback (0 to 1).")
    public Double rollbackMaxFailureRatio;

    @Option(names = "--rollback-order", converter = Order.class, description = "Rollback order: start-first or stop-first.")
    public String rollbackOrder;

    @Option(names = "--health-cmd", description = "Command to run to check health.")
    public String healthCmd;

    @Option(names = "--health-interval", converter = Converters.Duration.class, description = "Time between running the check (ms|s|m|h).")
    public Long healthInterval;

    @Option(names = "--health-timeout", converter = Converters.Duration.class, description = "Maximum time to allow one check to run (ms|s|m|h).")
    public Long healthTimeout;

    @Option(names = "--health-retries", converter = Converters.NonNegativeLong.class, description = "Consecutive failures needed to report unhealthy.")
    public Long healthRetries;

    @Option(names = "--health-start-period", converter = Converters.Duration.class, description = "Start period for the container to initialize before counting retries (ms|s|m|h).")
    public Long healthStartPeriod;

    @Option(names = "--health-start-interval", converter = Converters.Duration.class, description = "Time between running the check during the start period (ms|s|m|h).")
    public Long healthStartInterval;

    @Option(names = "--no-healthcheck", description = "Disable any container-specified HEALTHCHECK.")
    public boolean noHealthcheck;

    public static final class Order extends Converters.OneOfValues {
        public Order() { super("invalid order", "start-first", "stop-first"); }
    }

    public static final class UpdateFailureAction extends Converters.OneOfValues {
        public UpdateFailureAction() { super("invalid failure action", "pause", "continue", "rollback"); }
    }

    public static final class RollbackFailureAction extends Converters.OneOfValues {
        public RollbackFailureAction() { super("invalid failure action", "pause", "continue"); }
    }

    /** A fraction from 0 to 1, as docker's --update-max-failure-ratio. */
    public static final class Ratio implements picocli.CommandLine.ITypeConverter<Double> {
        public Double convert(String value) {
            try {
                double d = Double.parseDouble(value.trim());
                if (d >= 0 && d <= 1) return d;
            } catch (NumberFormatException e) {
                // fall through to the same message
            }
            throw new picocli.CommandLine.TypeConversionException("must be a number between 0 and 1");
        }
    }
}
