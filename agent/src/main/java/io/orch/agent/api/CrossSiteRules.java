package io.orch.agent.api;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;

import java.net.InetAddress;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Keeps web pages from driving the API (a process-runtime service is a root shell): a browser can
 * send a cross-site POST with a JSON-looking body to a loopback port without asking anyone, as
 * long as the body's type is one a form could send. These rules refuse what only a browser
 * sends, and nothing the docker CLI or orch's own clients send:
 * <ul>
 *   <li>a body whose Content-Type is missing or one of the types a page may send without a CORS
 *       preflight (text/plain, form encodings): Docker's JSON endpoints want application/json
 *       too; uploads (application/x-tar) need a preflight, which this API never grants;</li>
 *   <li>an {@code Origin} that is not the API's own, and a {@code Sec-Fetch-Site} other than
 *       same-origin or none;</li>
 *   <li>on plain-HTTP TCP (loopback only), a {@code Host} that names no loopback address: a
 *       page whose name an attacker re-points at 127.0.0.1 (DNS rebinding) sends its own name.</li>
 * </ul>
 * Any local user who can reach loopback TCP can still drive the API; the unix socket (0660) is
 * the default for that reason.
 */
final class CrossSiteRules {
    /** Content types a page may send cross-site without a preflight (the Fetch standard's CORS-safelisted ones). */
    private static final Set<String> SIMPLE_TYPES = Set.of("text/plain", "application/x-www-form-urlencoded", "multipart/form-data");
    private static final Set<String> SAFE_FETCH_SITES = Set.of("same-origin", "none");

    private CrossSiteRules() {}

    /**
     * Why the request must be refused, or empty to serve it.
     *
     * @param checkHost whether the Host header must name a loopback address (a plain-HTTP TCP
     *                  listener; a unix socket is out of a browser's reach, and a TLS listener
     *                  wants a client certificate no page has)
     */
    static Optional<String> refusal(HttpHeaders headers, boolean checkHost) {
        String host = headers.get(HttpHeaderNames.HOST, "");
        if (checkHost && !loopbackHost(host)) {
            return Optional.of("Host header '" + printable(host) + "' does not name this API's loopback address");
        }
        String site = headers.get("Sec-Fetch-Site");
        if (site != null && !SAFE_FETCH_SITES.contains(site.trim().toLowerCase(Locale.ROOT))) {
            return Optional.of("cross-site request refused (Sec-Fetch-Site: " + printable(site) + ")");
        }
        String origin = headers.get(HttpHeaderNames.ORIGIN);
        if (origin != null && !origin.equalsIgnoreCase("http://" + host) && !origin.equalsIgnoreCase("https://" + host)) {
            return Optional.of("cross-origin request refused (Origin: " + printable(origin) + ")");
        }
        if (hasBody(headers)) {
            String type = mediaType(headers.get(HttpHeaderNames.CONTENT_TYPE));
            if (type.isEmpty() || SIMPLE_TYPES.contains(type)) {
                return Optional.of("Content-Type specified (" + printable(type) + ") must be 'application/json'");
            }
        }
        return Optional.empty();
    }

    private static boolean hasBody(HttpHeaders headers) {
        if (headers.contains(HttpHeaderNames.TRANSFER_ENCODING)) {
            return true;
        }
        String length = headers.get(HttpHeaderNames.CONTENT_LENGTH, "0").trim();
        return !length.isEmpty() && !length.equals("0"); // the codec has already refused a length that is no number
    }

    /** "text/plain; charset=utf-8" -> "text/plain". */
    private static String mediaType(String contentType) {
        if (contentType == null) {
            return "";
        }
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    }

    /** "localhost", "x.localhost", or a loopback IP literal, with or without a port. */
    static boolean loopbackHost(String hostHeader) {
        String host = hostHeader.trim();
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            if (end < 0) {
                return false;
            }
            host = host.substring(1, end);
        } else if (host.indexOf(':') >= 0 && host.indexOf(':') == host.lastIndexOf(':')) {
            host = host.substring(0, host.indexOf(':'));
        }
        host = host.toLowerCase(Locale.ROOT);
        if (host.equals("localhost") || host.endsWith(".localhost")) {
            return true;
        }
        if (!host.matches("[0-9.]+") && !host.matches("[0-9a-f:]+")) {
            return false; // a name: resolving it here is what a rebinding attack counts on
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress(); // a literal: no lookup
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /** Header values go into the error message: no control characters, bounded. */
    private static String printable(String s) {
        String clean = s.replaceAll("[\\p{Cntrl}]", "?");
        return clean.length() > 100 ? clean.substring(0, 100) + "..." : clean;
    }
}
