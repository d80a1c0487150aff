package io.orch.cli.client;

/** The agent answered with an error status; printed like docker: "Error response from daemon: ...". */
public class ApiException extends CliException {
    private final int status;
    private final String daemonMessage;

    public ApiException(int status, String daemonMessage) {
        super(1, "Error response from daemon: " + daemonMessage);
        this.status = status;
        this.daemonMessage = daemonMessage;
    }

    public int status() {
        return status;
    }

    public String daemonMessage() {
        return daemonMessage;
    }

    public boolean notFound() {
        return status == 404;
    }
}
