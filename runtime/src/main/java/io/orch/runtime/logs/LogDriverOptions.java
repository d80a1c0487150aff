package io.orch.runtime.logs;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Docker's log-driver options that orch's own log files honour: {@code max-size} and
 * {@code max-file} (rotation) for the json-file and local drivers, parsed as Docker parses them
 * (json-file: decimal sizes, "10m" is 10,000,000 bytes, no rotation by default; local: binary
 * sizes, 20 MiB x 5 files by default), and {@code compress=false}. Anything else is refused
 * with the option named: orch does not compress rotated files, tag lines or add labels.
 */
public final class LogDriverOptions {
    /** The local driver's defaults (moby daemon/logger/local). */
    static final long LOCAL_MAX_BYTES = 20L << 20;
    static final int LOCAL_MAX_FILES = 5;
    private static final Pattern SIZE = Pattern.compile("(\\d{1,15}(?:\\.\\d{1,6})?)\\s*([kmgt]?)(i?b)?", Pattern.CASE_INSENSITIVE);

    private LogDriverOptions() {}

    /** A refused or malformed option: the message names it (Options.KEY). */
    public static final class InvalidOption extends Exception {
        private final String option;

        InvalidOption(String option, String message) {
            super(message);
            this.option = option;
        }

        public String option() {
            return option;
        }
    }

    /** How a task's logs rotate under {@code driver} ("" is json-file) with {@code options}. */
    public static LogRotation rotation(String driver, Map<String, String> options) throws InvalidOption {
        boolean local = driver.equals("local");
        long maxBytes = local ? LOCAL_MAX_BYTES : 0;
        int maxFiles = local ? LOCAL_MAX_FILES : 1;
        for (Map.Entry<String, String> o : new TreeMap<>(options).entrySet()) {
            String key = o.getKey();
            String value = o.getValue().trim();
            switch (key) {
                case "max-size" -> {
                    long size = size(key, value, !local);
                    maxBytes = size < 0 ? 0 : size;
                }
                case "max-file" -> maxFiles = files(key, value);
                case "compress" -> {
                    if (!value.equalsIgnoreCase("false")) {
                        throw new InvalidOption(key, "orch does not compress rotated log files (compress=false is accepted)");
                    }
                }
                default -> throw new InvalidOption(key, "orch's log files take only max-size, max-file and compress=false");
            }
        }
        return new LogRotation(maxBytes, maxFiles);
    }

    /** "-1": no limit (json-file's default, written out). */
    private static long size(String key, String value, boolean decimal) throws InvalidOption {
        if (value.equals("-1")) {
            return -1;
        }
        Matcher m = SIZE.matcher(value);
        if (!m.matches()) {
            throw new InvalidOption(key, "\"" + value + "\" is not a size (e.g. 10m)");
        }
        double n = Double.parseDouble(m.group(1));
        int power = "kmgt".indexOf(m.group(2).toLowerCase(Locale.ROOT)) + 1;
        double bytes = n * Math.pow(decimal ? 1000 : 1024, power);
        if (bytes < 1 || bytes > Long.MAX_VALUE / 2) {
            throw new InvalidOption(key, "must be a positive size, got \"" + value + "\"");
        }
        return (long) bytes;
    }

    private static int files(String key, String value) throws InvalidOption {
        int n;
        try {
            n = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new InvalidOption(key, "\"" + value + "\" is not a number");
        }
        if (n < 1 || n > LogRotation.MAX_FILES) {
            throw new InvalidOption(key, "must be between 1 and " + LogRotation.MAX_FILES + ", got " + n);
        }
        return n;
    }
}
