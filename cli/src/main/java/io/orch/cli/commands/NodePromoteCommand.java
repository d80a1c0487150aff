package io.orch.cli.commands;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code orch node promote NODE...}: makes workers managers (the agent adds them to the Raft group). */
@Command(name = "promote", description = "Promote one or more nodes to manager in the cluster.")
public final class NodePromoteCommand extends OrchCommand {
    @Parameters(arity = "1..*", paramLabel = "NODE")
    List<String> nodes;

    @Override
    public Integer call() {
        return NodeRoleChange.apply(api(), out(), nodes, "manager",
                "Node %s is already a manager.", "Node %s promoted to a manager in the swarm.");
    }
}
