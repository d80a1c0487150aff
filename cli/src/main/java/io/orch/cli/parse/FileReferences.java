package io.orch.cli.parse;

import java.util.Locale;

/**
 * {@code --secret} / {@code --config} values: {@code NAME} or
 * {@code source=NAME,target=PATH,uid=0,gid=0,mode=0444} (docker/cli opts/secret.go): target
 * defaults to the source, uid/gid to "0", mode (octal) to 0444.
 */
public final class FileReferences {
    private FileReferences() {}

    public record FileReference(String source, String target, String uid, String gid, int mode) {}

    public static FileReference parse(String text) {
        String source = null;
        String target = null;
        String uid = "0";
        String gid = "0";
        int mode = 0444;
        if (!text.contains("=") && !text.contains(",")) {
            source = text;
        } else {
            for (String field : text.split(",")) {
                int eq = field.indexOf('=');
                if (eq < 0) throw new InvalidValueException("invalid field '" + field + "' must be a key=value pair");
                String key = field.substring(0, eq).trim().toLowerCase(Locale.ROOT);
                String value = field.substring(eq + 1);
                switch (key) {
                    case "source", "src" -> source = value;
                    case "target" -> target = value;
                    case "uid" -> uid = value;
                    case "gid" -> gid = value;
                    case "mode" -> {
                        try {
                            mode = Integer.parseUnsignedInt(value, 8);
                        } catch (NumberFormatException e) {
                            throw new InvalidValueException("invalid mode specified: " + value);
                        }
                    }
                    default -> throw new InvalidValueException("invalid field in secret request: " + key);
                }
            }
        }
        if (source == null || source.isEmpty()) throw new InvalidValueException("source is required");
        return new FileReference(source, target == null || target.isEmpty() ? source : target, uid, gid, mode);
    }
}
