package io.orch.runtime.image.registry;

import io.orch.runtime.image.ImageException;

/** A pull that failed: the registry refused, was unreachable, or sent content that does not match its digest. */
public final class RegistryException extends ImageException {
    public RegistryException(String message) {
        super(message);
    }

    public RegistryException(String message, Throwable cause) {
        super(message, cause);
    }
}
