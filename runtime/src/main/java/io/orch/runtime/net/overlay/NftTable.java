package io.orch.runtime.net.overlay;

import java.io.IOException;
import java.util.List;

/**
 * One nftables table of orch's in one namespace, replaced as a whole by one {@code nft -f} run
 * (one transaction) and not at all when the script is the one applied last. What was applied is
 * forgotten after a failure or a deletion, so the next replace runs again.
 */
final class NftTable {
    private final Commands commands;
    private final String family;
    private final String name;
    /** The script last applied, or null when not known (first use, after a failure or a deletion). Guarded by {@code this}. */
    private String applied;

    NftTable(Commands commands, String family, String name) {
        this.commands = commands;
        this.family = family;
        this.name = name;
    }

    /** Declares and deletes the table: a script that starts so replaces whatever was there, or nothing. */
    static String clearScript(String family, String name) {
        return "table " + family + " " + name + " {}\ndelete table " + family + " " + name + "\n";
    }

    String name() {
        return name;
    }

    /** Whether {@code script} is what this table holds now (as far as this instance applied it). */
    synchronized boolean holds(String script) {
        return script.equals(applied);
    }

    /** Runs {@code script} (which starts with {@link #clearScript}) unless it is the one applied last. */
    synchronized void replace(String script) throws IOException {
        if (script.equals(applied)) {
            return;
        }
        applied = null;
        commands.check("nft", List.of("-f", "-"), script);
        applied = script;
    }

    /** Deletes the table if it is there. */
    synchronized void delete() throws IOException {
        applied = null;
        commands.check("nft", List.of("-f", "-"), clearScript(family, name));
    }
}
