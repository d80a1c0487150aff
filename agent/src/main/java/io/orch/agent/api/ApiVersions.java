package io.orch.agent.api;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The Docker API versions we speak, and the optional {@code /vX.Y} path prefix. */
public final class ApiVersions {
    public static final String CURRENT = "1.47";
    public static final String MINIMUM = "1.24";

    private static final Pattern PREFIX = Pattern.compile("^/v(\\d{1,9})\\.(\\d{1,9})(/.*)?$");

    /** A path with its version prefix removed; {@code version} is CURRENT when there was none. */
    public record Versioned(String version, String path) {}

    private ApiVersions() {}

    /** Strips the prefix and checks the version is one we serve (400 otherwise, with Docker's text). */
    public static Versioned strip(String path) throws ApiException {
        Matcher m = PREFIX.matcher(path);
        if (!m.matches()) {
            return new Versioned(CURRENT, path);
        }
        String version = m.group(1) + "." + m.group(2);
        String rest = m.group(3) == null ? "/" : m.group(3);
        if (compare(version, CURRENT) > 0) {
            throw ApiException.badRequest("client version " + version + " is too new. Maximum supported API version is " + CURRENT);
        }
        if (compare(version, MINIMUM) < 0) {
            throw ApiException.badRequest("client version " + version + " is too old. Minimum supported API version is "
                    + MINIMUM + ", please upgrade your client to a newer version");
        }
        return new Versioned(version, rest);
    }

    /** Numeric comparison of "major.minor" (1.100 is newer than 1.47). */
    static int compare(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        int major = Long.compare(Long.parseLong(x[0]), Long.parseLong(y[0]));
        return major != 0 ? major : Long.compare(Long.parseLong(x[1]), Long.parseLong(y[1]));
    }
}
