package io.orch.runtime.image.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.orch.runtime.image.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client half of the OCI distribution API (v2) that a pull needs: the {@code /v2/} ping,
 * manifests and blobs, with the registry's token flow (a 401 carrying
 * {@code WWW-Authenticate: Bearer realm=..,service=..,scope=..} is answered by fetching a token
 * from the realm, anonymously or with the configured login, and retrying) or plain Basic auth.
 * Every blob is hashed while it streams to disk and removed unless it matches its digest.
 *
 * <p>Written on the JDK's HttpClient: the Java registry libraries considered (jib-core,
 * docker-java) either pull only as a hidden step of building images or drive a Docker daemon,
 * and would bring Guava and google-http-client for four requests.
 */
public final class RegistryClient {
    private static final Logger log = LoggerFactory.getLogger(RegistryClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A manifest or index larger than this is refused (real ones are a few KiB). */
    static final int MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
    private static final int MAX_REDIRECTS = 5;
    /** Download progress is told after every this many bytes (docker's progress bars move about as often). */
    static final long PROGRESS_STEP = 512 * 1024;

    private final RegistryConfig config;
    /**
     * Made at the first request (guarded by this): every node has a puller, few pull often, and a
     * JDK HttpClient is a selector thread of its own and about 80 classes from its first use.
     */
    private HttpClient http;
    /** Authorization header values by registry + repository; never logged. */
    private final Map<String, String> authorizations = new ConcurrentHashMap<>();

    public RegistryClient(RegistryConfig config) {
        this.config = config;
    }

    private synchronized HttpClient http() {
        if (http == null) {
            http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(config.connectTimeout()).followRedirects(HttpClient.Redirect.NEVER).build();
        }
        return http;
    }

    /** A manifest or index as the registry sent it, with the digest of those exact bytes. */
    public record Manifest(byte[] bytes, String mediaType, Digest digest) {
        public JsonNode json() throws RegistryException {
            try {
                return JSON.readTree(bytes);
            } catch (IOException e) {
                throw new RegistryException("manifest " + digest + " is not valid JSON");
            }
        }
    }

    /** GET /v2/: checks the registry speaks the v2 API, and collects a token for {@code ref}'s repository if it asks for one. */
    public void ping(ImageReference ref) throws IOException, RegistryException {
        try (Response r = get(ref, "/v2/", null)) {
            if (r.status() != 200) {
                throw failure(ref, "/v2/", r);
            }
        }
    }

    /**
     * Checks this client's login for {@code registry} the way {@code docker login} does: GET /v2/,
     * and when the registry challenges, Basic auth on /v2/ or a token from its Bearer realm with
     * the login (no scope). Answers the refresh token the token server handed out, if any (Docker's
     * IdentityToken), else "".
     *
     * @throws RegistryException "unauthorized: incorrect username or password" when the registry refuses the login
     */
    public String login(String registry) throws IOException, RegistryException {
        ImageReference probe = ImageReference.parse(registry + "/login-probe");
        RegistryConfig.Credentials login = config.credentialsFor(probe.registry()).orElseThrow(() ->
                new RegistryException("no login given for registry " + registry));
        URI v2 = URI.create(baseUrl(probe) + "/v2/");
        Optional<AuthChallenge> challenge;
        try (Response r = send(v2, null, null)) {
            if (r.status() == 200) {
                return ""; // the registry needs no login: docker says Login Succeeded too
            }
            if (r.status() != 401) {
                throw failure(probe, "/v2/", r);
            }
            challenge = AuthChallenge.parse(r.response().headers().firstValue("WWW-Authenticate").orElse(null));
        }
        if (challenge.isEmpty()) {
            throw new RegistryException("registry " + registry + " answered 401 Unauthorized without an authentication challenge");
        }
        if (challenge.get().isBasic()) {
            try (Response r = send(v2, null, login.basicHeader())) {
                if (r.status() == 200) {
                    return "";
                }
                if (r.status() == 401 || r.status() == 403) {
                    throw new RegistryException("unauthorized: incorrect username or password");
                }
                throw failure(probe, "/v2/", r);
            }
        }
        if (!challenge.get().isBearer()) {
            throw new RegistryException("registry " + registry + " asks for unsupported authentication scheme " + challenge.get().scheme());
        }
        String realm = challenge.get().param("realm").orElseThrow(() ->
                new RegistryException("registry " + registry + " sent a Bearer challenge without a realm"));
        if (!realm.startsWith("https://") && !realm.startsWith("http://")) {
            throw new RegistryException("registry " + registry + " sent a token realm that is not an http(s) URL");
        }
        StringBuilder url = new StringBuilder(realm).append(realm.contains("?") ? '&' : '?').append("account=")
                .append(URLEncoder.encode(login.username(), StandardCharsets.UTF_8));
        challenge.get().param("service").ifPresent(s -> url.append("&service=").append(URLEncoder.encode(s, StandardCharsets.UTF_8)));
        try (Response r = send(URI.create(url.toString()), "application/json", login.basicHeader())) {
            if (r.status() == 401 || r.status() == 403) {
                throw new RegistryException("unauthorized: incorrect username or password");
            }
            if (r.status() != 200) {
                throw new RegistryException("token server of " + registry + " answered HTTP " + r.status());
            }
            JsonNode body;
            try {
                body = JSON.readTree(r.body().readNBytes(MAX_MANIFEST_BYTES));
            } catch (IOException e) {
                throw new RegistryException("token server of " + registry + " answered something that is not JSON");
            }
            return body.path("refresh_token").asText("");
        }
    }

    /** Fetches a manifest or index by tag or digest; a digest reference is checked against the bytes. */
    public Manifest manifest(ImageReference ref, String reference) throws IOException, RegistryException {
        String path = "/v2/" + ref.repository() + "/manifests/" + reference;
        try (Response r = get(ref, path, String.join(", ", MediaTypes.MANIFEST_ACCEPT))) {
            if (r.status() == 404) {
                throw new RegistryException("manifest for " + ref.familiarRepository() + (reference.startsWith("sha256:") ? "@" : ":")
                        + reference + " not found: manifest unknown");
            }
            if (r.status() != 200) {
                throw failure(ref, path, r);
            }
            byte[] bytes = r.body().readNBytes(MAX_MANIFEST_BYTES + 1);
            if (bytes.length > MAX_MANIFEST_BYTES) {
                throw new RegistryException("manifest " + reference + " from " + ref.registry() + " is larger than "
                        + MAX_MANIFEST_BYTES + " bytes");
            }
            Digest actual = Digest.of(bytes);
            if (reference.startsWith("sha256:") && !actual.equals(Digest.parse(reference))) {
                throw corrupt("manifest", reference, ref, actual);
            }
            String headerDigest = r.response().headers().firstValue("Docker-Content-Digest").orElse("");
            if (headerDigest.startsWith("sha256:") && !actual.equals(Digest.parse(headerDigest))) {
                throw corrupt("manifest", headerDigest, ref, actual);
            }
            String mediaType = r.response().headers().firstValue("Content-Type").orElse("").split(";")[0].trim();
            return new Manifest(bytes, mediaType, actual);
        }
    }

    /**
     * Streams blob {@code digest} into {@code target}, hashing as it goes. On a mismatch (or more
     * bytes than {@code size} promises, when positive) the file is deleted and the pull fails.
     */
    public void blob(ImageReference ref, Digest digest, long size, Path target) throws IOException, RegistryException {
        blob(ref, digest, size, target, (current, whole) -> { });
    }

    /** What a download has received so far (bytes, and the size the descriptor gives, 0 when unknown). */
    @FunctionalInterface
    public interface BytesReceived {
        void received(long current, long total);
    }

    /** {@link #blob(ImageReference, Digest, long, Path)}, telling {@code received} as the bytes arrive (at most every 512 KiB). */
    public void blob(ImageReference ref, Digest digest, long size, Path target, BytesReceived received)
            throws IOException, RegistryException {
        String path = "/v2/" + ref.repository() + "/blobs/" + digest;
        try (Response r = get(ref, path, null)) {
            if (r.status() == 404) {
                throw new RegistryException("blob " + digest + " not found in " + ref.registry() + "/" + ref.repository());
            }
            if (r.status() != 200) {
                throw failure(ref, path, r);
            }
            MessageDigest md = sha256();
            long total = 0;
            long told = 0;
            boolean ok = false;
            try (InputStream in = r.body(); OutputStream out = Files.newOutputStream(target)) {
                byte[] buf = new byte[64 * 1024];
                int n;
                while ((n = in.read(buf)) > 0) {
                    total += n;
                    if (size > 0 && total > size) {
                        throw new RegistryException("blob " + digest + " from " + ref.registry() + "/" + ref.repository()
                                + " is larger than the " + size + " bytes its descriptor gives");
                    }
                    md.update(buf, 0, n);
                    out.write(buf, 0, n);
                    if (total - told >= PROGRESS_STEP) {
                        told = total;
                        received.received(total, size);
                    }
                }
                Digest actual = new Digest(HexFormat.of().formatHex(md.digest()));
                if (!actual.equals(digest)) {
                    throw corrupt("blob", digest.toString(), ref, actual);
                }
                ok = true;
            } finally {
                if (!ok) {
                    Files.deleteIfExists(target);
                }
            }
        }
    }

    private static RegistryException corrupt(String what, String expected, ImageReference ref, Digest actual) {
        return new RegistryException(what + " " + expected + " from " + ref.registry() + "/" + ref.repository()
                + " failed digest verification: its content hashes to " + actual);
    }

    // ------------------------------------------------------------------ HTTP with auth and redirects

    private record Response(HttpResponse<InputStream> response) implements AutoCloseable {
        int status() {
            return response.statusCode();
        }

        InputStream body() {
            return response.body();
        }

        @Override
        public void close() throws IOException {
            response.body().close();
        }
    }

    /** GET with this repository's authorization; on a 401 answers the challenge once and retries. */
    private Response get(ImageReference ref, String path, String accept) throws IOException, RegistryException {
        URI uri = URI.create(baseUrl(ref) + path);
        String key = ref.registry() + "/" + ref.repository();
        Response r = send(uri, accept, authorizations.get(key));
        if (r.status() != 401) {
            return r;
        }
        Optional<AuthChallenge> challenge = AuthChallenge.parse(r.response().headers().firstValue("WWW-Authenticate").orElse(null));
        r.close();
        if (challenge.isEmpty()) {
            throw new RegistryException("registry " + ref.registry() + " answered 401 Unauthorized without an authentication challenge");
        }
        authorizations.put(key, authorize(ref, challenge.get()));
        Response retried = send(uri, accept, authorizations.get(key));
        if (retried.status() == 401 || retried.status() == 403) {
            retried.close();
            throw denied(ref);
        }
        return retried;
    }

    private RegistryException denied(ImageReference ref) {
        return new RegistryException("pull access denied for " + ref.familiarRepository()
                + ", repository does not exist or may require authorization");
    }

    /** The Authorization header value that answers {@code challenge}. */
    private String authorize(ImageReference ref, AuthChallenge challenge) throws IOException, RegistryException {
        Optional<RegistryConfig.Credentials> login = config.credentialsFor(ref.registry());
        if (challenge.isBasic()) {
            return login.map(RegistryConfig.Credentials::basicHeader).orElseThrow(() -> new RegistryException(
                    "registry " + ref.registry() + " requires a login and none is configured for it"));
        }
        if (!challenge.isBearer()) {
            throw new RegistryException("registry " + ref.registry() + " asks for unsupported authentication scheme " + challenge.scheme());
        }
        String realm = challenge.param("realm").orElseThrow(() ->
                new RegistryException("registry " + ref.registry() + " sent a Bearer challenge without a realm"));
        if (!realm.startsWith("https://") && !realm.startsWith("http://")) {
            throw new RegistryException("registry " + ref.registry() + " sent a token realm that is not an http(s) URL");
        }
        // The ping's challenge names no scope; a pull needs this repository's.
        String scope = challenge.param("scope").orElse("repository:" + ref.repository() + ":pull");
        StringBuilder url = new StringBuilder(realm).append(realm.contains("?") ? '&' : '?')
                .append("scope=").append(URLEncoder.encode(scope, StandardCharsets.UTF_8));
        challenge.param("service").ifPresent(s -> url.append("&service=").append(URLEncoder.encode(s, StandardCharsets.UTF_8)));
        URI tokenUri = URI.create(url.toString());
        try (Response r = send(tokenUri, "application/json", login.map(RegistryConfig.Credentials::basicHeader).orElse(null))) {
            if (r.status() == 401 || r.status() == 403) {
                throw login.isPresent()
                        ? new RegistryException("registry " + ref.registry() + " refused the login of user " + login.get().username())
                        : denied(ref);
            }
            if (r.status() != 200) {
                throw new RegistryException("token server of " + ref.registry() + " answered HTTP " + r.status());
            }
            JsonNode body;
            try {
                body = JSON.readTree(r.body().readNBytes(MAX_MANIFEST_BYTES));
            } catch (IOException e) {
                throw new RegistryException("token server of " + ref.registry() + " answered something that is not JSON");
            }
            String token = body.path("token").asText(body.path("access_token").asText(""));
            if (token.isEmpty()) {
                throw new RegistryException("token server of " + ref.registry() + " answered without a token");
            }
            log.debug("got a pull token for {}/{}", ref.registry(), ref.repository());
            return "Bearer " + token;
        }
    }

    /**
     * One GET, following redirects by hand: blob downloads are usually redirected to storage
     * that must not see the registry's Authorization header (S3 refuses requests that carry it).
     */
    private Response send(URI uri, String accept, String authorization) throws IOException, RegistryException {
        URI current = uri;
        String auth = authorization;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpRequest.Builder b = HttpRequest.newBuilder(current).GET().timeout(config.readTimeout())
                    .header("User-Agent", "orch");
            if (accept != null) {
                b.header("Accept", accept);
            }
            if (auth != null) {
                b.header("Authorization", auth);
            }
            HttpResponse<InputStream> resp;
            try {
                resp = http().send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (ConnectException e) {
                String why = "connection refused";
                for (Throwable t = e; t != null; t = t.getCause()) {
                    if (t instanceof java.nio.channels.UnresolvedAddressException) {
                        why = "unknown host " + current.getHost();
                    }
                }
                throw new RegistryException("cannot reach registry at " + current.getScheme() + "://" + current.getAuthority()
                        + ": " + why);
            } catch (HttpTimeoutException e) {
                throw new RegistryException("registry at " + current.getScheme() + "://" + current.getAuthority() + " timed out");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while talking to " + current.getAuthority());
            } catch (IOException e) {
                throw new RegistryException("cannot reach registry at " + current.getScheme() + "://" + current.getAuthority()
                        + ": " + e.getMessage(), e);
            }
            int s = resp.statusCode();
            if (s != 301 && s != 302 && s != 303 && s != 307 && s != 308) {
                return new Response(resp);
            }
            resp.body().close();
            String location = resp.headers().firstValue("Location").orElseThrow(() ->
                    new RegistryException("registry redirect without a Location"));
            URI next = current.resolve(location);
            if (!next.getAuthority().equals(current.getAuthority()) || !next.getScheme().equals(current.getScheme())) {
                auth = null;
            }
            current = next;
        }
        throw new RegistryException("too many redirects fetching " + uri.getPath());
    }

    private String baseUrl(ImageReference ref) {
        return (config.plainHttp(ref.registry()) ? "http://" : "https://") + ref.apiHost();
    }

    private RegistryException failure(ImageReference ref, String path, Response r) throws IOException {
        String detail = "";
        try {
            JsonNode body = JSON.readTree(r.body().readNBytes(64 * 1024));
            JsonNode first = body.path("errors").path(0);
            if (!first.isMissingNode()) {
                detail = ": " + first.path("code").asText("") + " " + first.path("message").asText("");
            }
        } catch (IOException ignored) {
            // not a distribution error body: the status says enough
        }
        if (r.status() == 404 && path.equals("/v2/")) {
            return new RegistryException(ref.registry() + " does not serve the registry v2 API (GET /v2/ answered 404)");
        }
        return new RegistryException("registry " + ref.registry() + " answered HTTP " + r.status() + " for "
                + path + detail.stripTrailing());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
