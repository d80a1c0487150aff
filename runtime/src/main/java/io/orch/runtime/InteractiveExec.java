package io.orch.runtime;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;

/**
 * A running {@link ContainerRuntime#startExec interactive exec}: its stdio as streams and its
 * exit. With a terminal, {@link #stderr()} is empty (the terminal carries both streams).
 */
public interface InteractiveExec extends AutoCloseable {
    OutputStream stdin();

    InputStream stdout();

    /** Empty with a terminal. */
    InputStream stderr();

    /** The exec'd process as the host sees it, or -1 while unknown. */
    long pid();

    /** Completes with the exit code (128+N when killed by signal N). */
    CompletableFuture<Integer> exit();

    /** Resizes the terminal; without one, does nothing. */
    void resize(int rows, int columns) throws RuntimeFailure;

    /** Kills the command if it still runs and frees what it held. */
    @Override
    void close();
}
