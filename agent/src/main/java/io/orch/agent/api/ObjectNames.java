package io.orch.agent.api;

/**
 * Docker's rules for the names of cluster objects, with Docker's words (swarmkit's controlapi):
 * services and networks are named as DNS name components, since tasks resolve them by name;
 * secrets and configs may also hold dots. Checked by a scan, not a regular expression: a name can
 * be megabytes long in a request body, and a backtracking match on it takes seconds of CPU.
 */
final class ObjectNames {
    /** A DNS label's limit. */
    static final int MAX_DNS_NAME = 63;
    static final int MAX_FILE_OBJECT_NAME = 64;

    private ObjectNames() {}

    /** Null when {@code name} is a valid service or network name, else why not (the name is not empty). */
    static String dnsNameProblem(String name) {
        if (!alphanumericEnds(name) || !allOf(name, "-_")) {
            return "invalid name " + quoted(name) + ": name must be valid as a DNS name component";
        }
        if (name.length() > MAX_DNS_NAME) {
            return "invalid name " + quoted(name) + ": name must be 63 characters or fewer";
        }
        return null;
    }

    /** Null when {@code name} is a valid secret or config name, else why not (the name is not empty). */
    static String fileObjectNameProblem(String name) {
        if (name.length() > MAX_FILE_OBJECT_NAME || !alphanumericEnds(name) || !allOf(name, "-_.")) {
            return "invalid name, only 64 [a-zA-Z0-9-_.] characters allowed, and the start and end character must be [a-zA-Z0-9]";
        }
        return null;
    }

    private static boolean alphanumericEnds(String name) {
        return alphanumeric(name.charAt(0)) && alphanumeric(name.charAt(name.length() - 1));
    }

    /** Whether every character is an ASCII letter, a digit, or one of {@code others}. */
    private static boolean allOf(String name, String others) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!alphanumeric(c) && others.indexOf(c) < 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean alphanumeric(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    /** The name in quotes, cut short when it is long (it is echoed in an error). */
    private static String quoted(String name) {
        return "\"" + (name.length() <= MAX_FILE_OBJECT_NAME ? name : name.substring(0, MAX_FILE_OBJECT_NAME) + "...") + "\"";
    }
}
