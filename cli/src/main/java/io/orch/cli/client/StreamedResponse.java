package io.orch.cli.client;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/** An answer read as it arrives ({@link HttpClient#open}); closing it closes the connection. */
public final class StreamedResponse implements Closeable {
    private final int status;
    private final Map<String, String> headers;
    private final InputStream body;
    private final Connection connection;

    StreamedResponse(int status, Map<String, String> headers, InputStream body, Connection connection) {
        this.status = status;
        this.headers = headers;
        this.body = body;
        this.connection = connection;
    }

    public int status() {
        return status;
    }

    public boolean ok() {
        return status >= 200 && status < 300;
    }

    /** A header by lower-case name, or null. */
    public String header(String name) {
        return headers.get(name);
    }

    /** The body, de-chunked; ends where the answer ends. */
    public InputStream body() {
        return body;
    }

    @Override
    public void close() throws IOException {
        connection.close();
    }
}
