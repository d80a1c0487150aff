package io.orch.cli.testing;

import java.io.IOException;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs the CLI against a {@link UnixStubServer} that answers with the test's handler, and closes
 * the stub after each test. Use as {@code @RegisterExtension final StubAgentCli cli = new StubAgentCli();}.
 */
public final class StubAgentCli implements AfterEachCallback {
    private UnixStubServer agent;

    /** {@code orch -H <stub> args...}, the stub answering every request with {@code handler}. */
    public CliRun run(Function<RecordedRequest, StubResponse> handler, String... args) throws IOException {
        close();
        agent = new UnixStubServer(handler);
        String[] all = new String[args.length + 2];
        all[0] = "-H";
        all[1] = agent.url();
        System.arraycopy(args, 0, all, 2, args.length);
        return CliRun.run(all);
    }

    /** What the last run's stub received, in order. */
    public List<RecordedRequest> requests() {
        return agent.requests();
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        close();
    }

    private void close() throws IOException {
        if (agent != null) {
            agent.close();
            agent = null;
        }
    }
}
