package io.orch.packaging.cluster;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The leadership changes the managers logged since this was created, read from their log files:
 * the server's own record, which a poll of the API every so often can miss (a leader deposed and
 * re-elected between two polls). Each manager logs "this node is now the leader" when its Ratis
 * replica becomes a ready leader and "this node is no longer the leader" when it stops being one
 * (ManagerNode; the notifier reports changes only). Ratis' own candidacies are not in the agent's
 * log (Ratis logs at WARN there), so a pre-vote that was turned down does not show here: it
 * changes nothing either.
 */
final class RaftRoleChanges {
    /**
     * @param elections  a manager became leader
     * @param stepDowns  a leader stopped being one (lost its quorum, saw a higher term, or stopped)
     */
    record Count(int elections, int stepDowns) {
        @Override
        public String toString() {
            return elections + " leaders elected, " + stepDowns + " leaders stepped down";
        }
    }

    private final Map<AgentNode, Long> offsets = new LinkedHashMap<>();

    private RaftRoleChanges() {}

    /** Counts from now on: what the logs hold already is skipped. */
    static RaftRoleChanges from(List<AgentNode> managers) {
        RaftRoleChanges c = new RaftRoleChanges();
        for (AgentNode m : managers) {
            c.offsets.put(m, m.log.toFile().length());
        }
        return c;
    }

    Count count() {
        int elections = 0;
        int stepDowns = 0;
        for (var e : offsets.entrySet()) {
            for (String line : linesAfter(e.getKey(), e.getValue())) {
                if (line.contains("this node is now the leader")) {
                    elections++;
                } else if (line.contains("this node is no longer the leader")) {
                    stepDowns++;
                }
            }
        }
        return new Count(elections, stepDowns);
    }
    private static List<String> linesAfter(AgentNode m, long offset) {
        try (RandomAccessFile f = new RandomAccessFile(m.log.toFile(), "r")) {
            long length = f.length();
            byte[] tail = new byte[(int) Math.max(0, length - offset)];
            f.seek(offset);
            f.readFully(tail);
            return new String(tail, StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new AssertionError("reading " + m.log + ": " + e, e);
        }
    }
}
