package io.orch.cli.parse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code --env-file}: one {@code KEY=VALUE} per line, {@code #} comments and blank lines
 * skipped, a bare {@code KEY} takes its value from the CLI's environment (and is left out when
 * unset), as docker's opts.ParseEnvFile. Bounded: a file over 1 MiB is refused.
 */
public final class EnvFiles {
    static final long MAX_BYTES = 1 << 20;

    private EnvFiles() {}

    public static List<String> read(Path file, Map<String, String> environment) {
        String text;
        try {
            if (Files.size(file) > MAX_BYTES) throw new InvalidValueException("env file " + file + " is larger than 1 MiB");
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InvalidValueException("cannot read env file " + file + ": " + e.getMessage());
        }
        List<String> out = new ArrayList<>();
        int lineNo = 0;
        for (String raw : text.split("\r?\n")) {
            lineNo++;
            String line = raw.stripLeading();
            if (line.isEmpty() || line.startsWith("#")) continue;
            int eq = line.indexOf('=');
            String key = eq < 0 ? line.stripTrailing() : line.substring(0, eq);
            if (key.isEmpty()) throw new InvalidValueException(file + ":" + lineNo + ": no variable name");
            if (key.chars().anyMatch(Character::isWhitespace)) {
                throw new InvalidValueException(file + ":" + lineNo + ": variable '" + key + "' contains whitespaces");
            }
            if (eq >= 0) {
                out.add(line);
            } else if (environment.get(key) != null) {
                out.add(key + "=" + environment.get(key));
            }
        }
        return out;
    }
}
