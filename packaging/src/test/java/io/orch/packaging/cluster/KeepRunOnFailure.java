package io.orch.packaging.cluster;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

import java.util.function.Supplier;

/** Tells the test class's cluster that a test failed, so it keeps its logs and dumps its state. */
final class KeepRunOnFailure implements TestWatcher {
    private final Supplier<ClusterFixture> cluster;

    KeepRunOnFailure(Supplier<ClusterFixture> cluster) {
        this.cluster = cluster;
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        ClusterFixture c = cluster.get();
        if (c != null) {
            c.markFailed(context.getDisplayName() + ": " + cause);
        }
    }
}
