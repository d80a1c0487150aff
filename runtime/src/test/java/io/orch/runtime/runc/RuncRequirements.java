package io.orch.runtime.runc;

import io.orch.runtime.image.TestImages;
import java.util.Optional;

/** Why real-container tests cannot run here (printed when they skip), or empty. */
public final class RuncRequirements {
    private RuncRequirements() {}

    public static Optional<String> unavailableReason() {
        if (!RuncRuntime.isRoot()) {
            return Optional.of("not root");
        }
        if (RuncBinary.find().isEmpty()) {
            return Optional.of("runc is not installed");
        }
        return TestImages.unavailableReason();
    }
}
