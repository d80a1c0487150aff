package io.orch.packaging.cluster;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Raft role changes the managers logged since this was created, read from their log files
 * (Ratis logs each one: "changes role from FOLLOWER to CANDIDATE at term 7 ..."): the server's
 * own record, which a poll of the API every so often can miss (a leader deposed and re-elected
 * between two polls).
 */
final class RaftRoleChanges {
    /**
     * @param candidacies  a follower's election timer fired (a pre-vote may still have turned it down)
     * @param elections    a candidate won: a new term has a leader
     * @param stepDowns    a leader became a follower (lost its quorum, or saw a higher term)
     */
    record Count(int candidacies, int elections, int stepDowns) {
        @Override
        public String toString() {
            return candidacies + " candidacies, " + elections + " leaders elected, " + stepDowns + " leaders stepped down";
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
        int candidacies = 0;
        int elections = 0;
        int stepDowns = 0;
        for (var e : offsets.entrySet()) {
            for (String line : linesAfter(e.getKey(), e.getValue())) {
                if (!line.contains("changes role from")) {
                    continue;
                }
                if (line.contains("to CANDIDATE")) {
                    candidacies++;
                }
                if (line.contains("from CANDIDATE to LEADER")) {
                    elections++;
                }
                if (line.contains("from LEADER to")) {
                    stepDowns++;
                }
            }
        }
        return new Count(candidacies, elections, stepDowns);
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
