package io.orch.cli.commands;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code orch node demote NODE...}: makes managers workers; the agent refuses to demote the last manager. */
@Command(name = "demote", description = {"Demote one or more nodes from manager in the cluster.",
        "The node's manager certificate is revoked at once (the Raft transport refuses it once the node has left the Raft group); it may still use it to renew into a worker certificate."})
public final class NodeDemoteCommand extends OrchCommand {
    @Parameters(arity = "1..*", paramLabel = "NODE")
    List<String> nodes;

    @Override
    public Integer call() {
        return NodeRoleChange.apply(api(), out(), nodes, "worker",
                "Node %s is already a worker.", "Manager %s demoted in the swarm.");
    }
}
