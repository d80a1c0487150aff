package io.orch.cli.commands;

import io.orch.cli.parse.Filters;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code orch node rm [--force] NODE...}: removes nodes from the cluster (DELETE /nodes/{id}). The
 * agent refuses a node that is not down (without --force) and a manager (demote it first). Removes
 * what it can; each failure is one stderr line, exit 1.
 */
@Command(name = "rm", aliases = "remove", description = {"Remove one or more nodes from the cluster.",
        "Every certificate the node holds is revoked at once: the other nodes refuse it on every RPC and the Raft transport."})
public final class NodeRmCommand extends OrchCommand {
    @Option(names = {"-f", "--force"}, description = "Force-remove a node from the cluster (it need not be down).")
    boolean force;

    @Parameters(arity = "1..*", paramLabel = "NODE")
    List<String> nodes;

    @Override
    public Integer call() {
        return forEachName(nodes, node -> {
            api().delete("/nodes/" + Filters.encode(node) + (force ? "?force=1" : ""));
            out().println(node);
        });
    }
}
