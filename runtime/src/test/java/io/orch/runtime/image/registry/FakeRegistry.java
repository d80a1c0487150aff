package io.orch.runtime.image.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.orch.runtime.image.Digest;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A minimal distribution registry (also used by agent and cli tests, from this module's test jar) with a token server, for what a real registry package cannot
 * easily be set up to do in a test: Bearer challenges, a manifest list (arm64 + amd64), blob
 * redirects to another host, and corrupted blobs. Serves one repository from an OCI layout
 * written by TestImages; the tag resolves to a Docker manifest list whose amd64 entry is the
 * layout's manifest and whose arm64 entry points at a manifest the pull must never fetch.
 */
public final class FakeRegistry implements AutoCloseable {
    static final String TOKEN = "tok-" + Long.toHexString(System.nanoTime());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final String repository;
    private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
    private final Map<String, byte[]> manifests = new ConcurrentHashMap<>();
    final List<String> requests = new CopyOnWriteArrayList<>();
    final List<String> storageAuthorizations = new CopyOnWriteArrayList<>();
    final List<String> tokenAuthorizations = new CopyOnWriteArrayList<>();
    public volatile String corruptBlob = "";
    volatile String requiredLogin = "";
    final Digest amd64Manifest;
    final Digest arm64Manifest;
    public final Digest listDigest;
    final Digest configDigest;
    public final Digest layerDigest;
    final String port;

    public FakeRegistry(Path ociLayout, String repository, String tag) throws IOException {
        this.repository = repository;
        try (var files = Files.list(ociLayout.resolve("blobs/sha256"))) {
            for (Path p : files.toList()) {
                blobs.put("sha256:" + p.getFileName(), Files.readAllBytes(p));
            }
        }
        JsonNode index = JSON.readTree(ociLayout.resolve("index.json").toFile());
        amd64Manifest = Digest.parse(index.path("manifests").path(0).path("digest").asText());
        configDigest = Digest.parse(JSON.readTree(blobs.get(amd64Manifest.toString())).path("config").path("digest").asText());
        manifests.put(amd64Manifest.toString(), blobs.get(amd64Manifest.toString()));
        layerDigest = Digest.parse(JSON.readTree(blobs.get(amd64Manifest.toString())).path("layers").path(0).path("digest").asText());
        byte[] armManifest = "{\"schemaVersion\":2,\"note\":\"arm64, never to be fetched\"}".getBytes(StandardCharsets.UTF_8);
        arm64Manifest = Digest.of(armManifest);
        manifests.put(arm64Manifest.toString(), armManifest);
        ObjectNode list = JSON.createObjectNode().put("schemaVersion", 2).put("mediaType", MediaTypes.DOCKER_LIST);
        var entries = list.putArray("manifests");
        entries.addObject().put("mediaType", MediaTypes.OCI_MANIFEST).put("digest", arm64Manifest.toString())
                .put("size", armManifest.length).putObject("platform").put("os", "linux").put("architecture", "arm64")
                .put("variant", "v8");
        entries.addObject().put("mediaType", MediaTypes.OCI_MANIFEST).put("digest", amd64Manifest.toString())
                .put("size", manifests.get(amd64Manifest.toString()).length)
                .putObject("platform").put("os", "linux").put("architecture", "amd64");
        byte[] listBytes = JSON.writeValueAsBytes(list);
        listDigest = Digest.of(listBytes);
        manifests.put(listDigest.toString(), listBytes);
        manifests.put(tag, listBytes);

        int p = TestPorts.free();
        this.port = Integer.toString(p);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", p), 16);
        server.createContext("/", this::handle);
        server.start();
    }

    public String registry() {
        return "127.0.0.1:" + port;
    }

    public String reference(String tagOrDigest) {
        return registry() + "/" + repository + (tagOrDigest.startsWith("sha256:") ? "@" : ":") + tagOrDigest;
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            requests.add(path);
            if (path.equals("/token")) {
                token(ex);
                return;
            }
            if (path.startsWith("/storage/")) {
                storageAuthorizations.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
                sendBlob(ex, "sha256:" + path.substring("/storage/".length()));
                return;
            }
            if (!("Bearer " + TOKEN).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                String scope = path.equals("/v2/") ? "" : ",scope=\"repository:" + repository + ":pull\"";
                ex.getResponseHeaders().add("WWW-Authenticate",
                        "Bearer realm=\"http://127.0.0.1:" + port + "/token\",service=\"fake-registry\"" + scope);
                send(ex, 401, "application/json", "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"}]}");
                return;
            }
            String prefix = "/v2/" + repository + "/";
            if (path.equals("/v2/")) {
                send(ex, 200, "application/json", "{}");
            } else if (path.startsWith(prefix + "manifests/")) {
                String ref = path.substring((prefix + "manifests/").length());
                byte[] m = manifests.get(ref);
                if (m == null) {
                    send(ex, 404, "application/json", "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest unknown\"}]}");
                    return;
                }
                String type = m == manifests.get(listDigest.toString()) ? MediaTypes.DOCKER_LIST : MediaTypes.OCI_MANIFEST;
                ex.getResponseHeaders().add("Docker-Content-Digest", Digest.of(m).toString());
                send(ex, 200, type, m);
            } else if (path.startsWith(prefix + "blobs/")) {
                // as real registries do: the blob lives in storage on another host name
                ex.getResponseHeaders().add("Location", "http://localhost:" + port + "/storage/"
                        + path.substring((prefix + "blobs/sha256:").length()));
                ex.sendResponseHeaders(307, -1);
            } else {
                send(ex, 404, "application/json", "{\"errors\":[{\"code\":\"NAME_UNKNOWN\",\"message\":\"repository name not known\"}]}");
            }
        }
    }

    private void token(HttpExchange ex) throws IOException {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        tokenAuthorizations.add(String.valueOf(auth));
        String query = String.valueOf(ex.getRequestURI().getQuery());
        if (!query.contains("scope=repository:" + repository + ":pull") || !query.contains("service=fake-registry")) {
            send(ex, 400, "application/json", "{\"details\":\"bad scope or service: " + query + "\"}");
            return;
        }
        if (!requiredLogin.isEmpty() && !("Basic " + Base64.getEncoder().encodeToString(
                requiredLogin.getBytes(StandardCharsets.UTF_8))).equals(auth)) {
            send(ex, 401, "application/json", "{\"details\":\"incorrect username or password\"}");
            return;
        }
        send(ex, 200, "application/json", "{\"token\":\"" + TOKEN + "\",\"expires_in\":300}");
    }

    private void sendBlob(HttpExchange ex, String digest) throws IOException {
        byte[] b = blobs.get(digest);
        if (b == null) {
            send(ex, 404, "application/json", "{\"errors\":[{\"code\":\"BLOB_UNKNOWN\",\"message\":\"blob unknown\"}]}");
            return;
        }
        if (digest.equals(corruptBlob)) {
            b = b.clone();
            b[b.length / 2] ^= 0x01;
        }
        send(ex, 200, "application/octet-stream", b);
    }

    private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        send(ex, status, type, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().add("Content-Type", type);
        ex.sendResponseHeaders(status, body.length);
        ex.getResponseBody().write(body);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
