package io.orch.cli.client;

import java.io.Closeable;
import java.io.InputStream;
import java.io.OutputStream;

/** One open byte stream to the agent; the HTTP layer does not care what carries it. */
public interface Connection extends Closeable {
    InputStream input();

    OutputStream output();
}
