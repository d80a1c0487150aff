package io.orch.runtime;

/** A runtime error; temporary ones may succeed on retry, permanent ones reject the task. */
public class RuntimeFailure extends Exception {
    private final boolean temporary;

    public RuntimeFailure(String message, boolean temporary, Throwable cause) {
        super(message, cause);
        this.temporary = temporary;
    }

    public RuntimeFailure(String message, boolean temporary) {
        this(message, temporary, null);
    }

    public boolean temporary() {
        return temporary;
    }
}
