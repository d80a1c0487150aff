package io.orch.cli.render;

import java.util.Locale;

/** Small formatting helpers shared by the renderers. */
public final class Names {
    private Names() {}

    public static String shortId(String id) {
        return id == null ? "" : id.length() > 12 ? id.substring(0, 12) : id;
    }

    /** "busybox:latest@sha256:..." -> "busybox:latest", as docker shows images in tables. */
    public static String imageWithoutDigest(String image) {
        int at = image == null ? -1 : image.indexOf('@');
        return at < 0 ? (image == null ? "" : image) : image.substring(0, at);
    }

    /** "ready" -> "Ready", "on-failure" -> "On-failure" (docker's PrettyPrint). */
    public static String title(String s) {
        if (s == null || s.isEmpty()) return "";
        return s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1).toLowerCase(Locale.ROOT);
    }
}
