package io.orch.cli.stack;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code .env} file next to the compose file, and {@code env_file} entries: {@code KEY=VALUE}
 * lines, {@code #} comments, an optional {@code export} prefix, single-quoted values taken
 * literally, double-quoted ones with {@code \n}, {@code \t}, {@code \"} and {@code \\} escapes.
 */
public final class DotEnv {
    private DotEnv() {}

    /** @throws IllegalArgumentException naming the 1-based line of a malformed entry */
    public static Map<String, String> parse(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        String[] lines = text.split("\r?\n", -1);
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("export ")) {
                line = line.substring("export ".length()).strip();
            }
            int eq = line.indexOf('=');
            String key = (eq < 0 ? line : line.substring(0, eq)).strip();
            if (key.isEmpty() || !key.matches("[A-Za-z_][A-Za-z0-9_.-]*")) {
                throw new IllegalArgumentException("line " + (n + 1) + ": invalid variable name \"" + key + "\"");
            }
            if (eq < 0) {
                out.put(key, null); // a bare name: taken from the environment, if set
                continue;
            }
            out.put(key, value(line.substring(eq + 1).strip(), n + 1));
        }
        return out;
    }

    private static String value(String raw, int line) {
        if (raw.startsWith("'")) {
            int end = raw.indexOf('\'', 1);
            if (end < 0) {
                throw new IllegalArgumentException("line " + line + ": unterminated single quote");
            }
            return raw.substring(1, end);
        }
        if (raw.startsWith("\"")) {
            StringBuilder sb = new StringBuilder();
            for (int i = 1; i < raw.length(); i++) {
                char c = raw.charAt(i);
                if (c == '"') {
                    return sb.toString();
                }
                if (c == '\\' && i + 1 < raw.length()) {
                    char e = raw.charAt(++i);
                    sb.append(switch (e) {
                        case 'n' -> '\n';
                        case 't' -> '\t';
                        case 'r' -> '\r';
                        default -> e;
                    });
                } else {
                    sb.append(c);
                }
            }
            throw new IllegalArgumentException("line " + line + ": unterminated double quote");
        }
        int comment = raw.indexOf(" #");
        return comment < 0 ? raw : raw.substring(0, comment).strip();
    }
}
