package io.orch.cli.parse;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;

/** {@code --ulimit nofile=1024:2048} (soft[:hard], hard defaults to soft) into {"Name","Soft","Hard"}, as go-units ParseUlimit. */
public final class Ulimits {
    private static final Set<String> NAMES = Set.of("core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue", "nice",
            "nofile", "nproc", "rss", "rtprio", "rttime", "sigpending", "stack");

    private Ulimits() {}

    public static ObjectNode parse(String text) {
        int eq = text.indexOf('=');
        if (eq <= 0) throw new InvalidValueException("invalid ulimit argument: " + text);
        String name = text.substring(0, eq);
        if (!NAMES.contains(name)) throw new InvalidValueException("invalid ulimit type: " + name);
        String[] limits = text.substring(eq + 1).split(":", -1);
        if (limits.length > 2) throw new InvalidValueException("too many limit value arguments - " + text.substring(eq + 1) + ", can only have up to two, `soft[:hard]`");
        long soft = number(limits[0]);
        long hard = limits.length == 2 ? number(limits[1]) : soft;
        if (soft > hard) throw new InvalidValueException("ulimit soft limit must be less than or equal to hard limit: " + soft + " > " + hard);
        return JsonNodeFactory.instance.objectNode().put("Name", name).put("Hard", hard).put("Soft", soft);
    }

    private static long number(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new InvalidValueException("invalid ulimit value \"" + s + "\": expected an integer");
        }
    }
}
