package io.orch.runtime;

import java.util.List;
import java.util.Objects;

/**
 * An interactive command to run in a task's container ({@code docker exec}).
 *
 * @param command    argv, not empty
 * @param env        extra "KEY=value" entries over the container's environment
 * @param user       "user[:group]" or empty for the container's user
 * @param workingDir absolute directory in the container, or empty for the container's
 * @param tty        whether the command gets a terminal (stdout and stderr are then one stream)
 * @param rows       initial terminal height (0: the runtime's default)
 * @param columns    initial terminal width (0: the runtime's default)
 */
public record ExecSpec(List<String> command, List<String> env, String user, String workingDir, boolean tty,
                       int rows, int columns) {
    public ExecSpec {
        command = List.copyOf(command);
        env = List.copyOf(env);
        user = Objects.requireNonNullElse(user, "");
        workingDir = Objects.requireNonNullElse(workingDir, "");
        if (command.isEmpty()) {
            throw new IllegalArgumentException("exec command is empty");
        }
    }
}
