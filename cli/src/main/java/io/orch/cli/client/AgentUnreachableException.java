package io.orch.cli.client;

import java.io.IOException;
import java.util.Locale;

/** No connection could be opened: the most common first-run problem, so the message says what to do. */
public class AgentUnreachableException extends CliException {
    public AgentUnreachableException(HostAddress address, IOException cause) {
        super(1, "Error: cannot reach the orch agent at " + address + ": " + reason(cause)
                + (cause instanceof javax.net.ssl.SSLException ? "" : " (is 'orch init' running?)"), cause);
    }

    static String reason(IOException e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof javax.net.ssl.SSLException) return "TLS handshake failed: " + m;
        String lower = m.toLowerCase(Locale.ROOT);
        if (lower.contains("refused")) return "connection refused";
        if (lower.contains("no such file")) return "no such file or directory";
        if (lower.contains("permission denied")) return "permission denied";
        if (e instanceof java.net.SocketTimeoutException || lower.contains("timed out")) return "connection timed out";
        if (e instanceof java.net.UnknownHostException) return "unknown host " + m;
        return lower;
    }
}
