package io.orch.packaging.cluster;

import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.function.Supplier;

/**
 * Tells the test class's cluster that a test failed, so it keeps its logs and dumps its state.
 * It runs right after the test method, before {@code @AfterEach} stops the agents: a
 * {@code TestWatcher} would run after the cleanup, when there is nothing left to ask.
 */
final class KeepRunOnFailure implements AfterTestExecutionCallback {
    private final Supplier<ClusterFixture> cluster;

    KeepRunOnFailure(Supplier<ClusterFixture> cluster) {
        this.cluster = cluster;
    }

    @Override
    public void afterTestExecution(ExtensionContext context) {
        context.getExecutionException().ifPresent(cause -> {
            ClusterFixture c = cluster.get();
            if (c != null) {
                c.markFailed(context.getDisplayName() + ": " + cause);
            }
        });
    }
}
