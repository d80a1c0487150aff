package io.orch.cli.commands;

import io.orch.cli.client.CliException;
import io.orch.cli.stack.ComposeLoader;
import io.orch.cli.stack.StackFile;
import io.orch.cli.stack.StackFileException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/** Loading {@code -c} files for a command: a bad file is one line on stderr and exit 1, nothing sent. */
final class StackFiles {
    private StackFiles() {}

    static StackFile load(List<String> files, Map<String, String> env, boolean interpolate, PrintWriter err) {
        StackFile stack;
        try {
            stack = new ComposeLoader(env).interpolate(interpolate).load(files);
        } catch (StackFileException e) {
            throw new CliException(1, "Error: " + e.getMessage());
        }
        if (stack.ignoredWarning() != null) {
            err.println(stack.ignoredWarning());
            err.flush();
        }
        return stack;
    }
}
