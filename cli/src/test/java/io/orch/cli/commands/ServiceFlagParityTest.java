package io.orch.cli.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.orch.cli.testing.CliRun;
import io.orch.cli.testing.Fixtures;
import io.orch.cli.testing.JsonAssert;
import io.orch.cli.testing.RecordedRequest;
import io.orch.cli.testing.StubResponse;
import io.orch.cli.testing.UnixStubServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * orch accepts every flag {@code docker service create|update --help} lists (docker-flags/
 * service-*.txt, generated from docker 28) and sends, for each, the body docker sends
 * (docker-flags/service-flag-bodies.txt: one row per flag use, a JSON pointer and the value
 * expected there). Runs the real CLI against a stub agent.
 */
class ServiceFlagParityTest {
    private static final String TABLE = "docker-flags/service-flag-bodies.txt";
    private static final JsonNode STORED = Fixtures.parse(resource("docker-flags/stored-services.json"));

    @TempDir
    static Path dir;
    static Map<String, String> env;
    static UnixStubServer agent;

    record Row(int line, String command, String args, String where, String expected) {
        @Override
        public String toString() {
            return "line " + line + ": " + command + " " + args;
        }
    }

    @BeforeAll
    static void start() throws IOException {
        Files.writeString(dir.resolve("env"), "# comment\nA=1\n\nB=2\nFROM_ENV\nUNSET_VAR\n");
        Files.writeString(dir.resolve("config.json"), "{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\""
                + Base64.getEncoder().encodeToString("u:p".getBytes(StandardCharsets.UTF_8)) + "\"}}}");
        env = Map.of("DOCKER_CONFIG", dir.toString(), "FROM_ENV", "x");
        agent = new UnixStubServer(ServiceFlagParityTest::answer);
    }

    @AfterAll
    static void stop() throws IOException {
        agent.close();
    }

    private static StubResponse answer(RecordedRequest r) {
        String t = r.decodedTarget();
        String path = t.contains("?") ? t.substring(0, t.indexOf('?')) : t;
        if (path.equals("/v1.47/secrets")) return StubResponse.ok("[{\"ID\":\"secid1\",\"Spec\":{\"Name\":\"db_pw\"}}]");
        if (path.equals("/v1.47/configs")) return StubResponse.ok("[{\"ID\":\"cfgid1\",\"Spec\":{\"Name\":\"app.conf\"}}]");
        if (path.equals("/v1.47/networks")) {
            return StubResponse.ok("[{\"Name\":\"back\",\"Id\":\"netback\"},{\"Name\":\"front\",\"Id\":\"netfront\"}]");
        }
        if (path.equals("/v1.47/services/create")) return StubResponse.json(201, "{\"ID\":\"newid\",\"Warnings\":null}");
        if (r.method().equals("POST") && path.endsWith("/update")) return StubResponse.ok("{\"Warnings\":null}");
        if (r.method().equals("GET") && path.startsWith("/v1.47/services/")) {
            JsonNode s = STORED.get(path.substring("/v1.47/services/".length()));
            return s == null ? StubResponse.error(404, "no such service") : StubResponse.ok(s.toString());
        }
        return StubResponse.error(404, "page not found: " + r.method() + " " + t);
    }

    static List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        String[] lines = resource(TABLE).split("\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].trim();
            if (line.isEmpty() || line.startsWith("#")) continue;
            String[] cols = line.split("\\|", -1);
            assertEquals(4, cols.length, TABLE + ":" + (i + 1) + ": expected 4 columns");
            rows.add(new Row(i + 1, cols[0].trim(), cols[1].trim(), cols[2].trim(), cols[3].trim()));
        }
        return rows;
    }

    static Stream<Arguments> table() {
        return rows().stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void eachFlagSendsTheFieldDockerSends(Row row) {
        RecordedRequest sent = run(row.command, words(row.args.replace("${ENVFILE}", dir.resolve("env").toString())));
        switch (row.where) {
            case "=" -> JsonAssert.assertJsonEquals(body(run(row.command, List.of())), body(sent));
            case "target" -> assertTrue(sent.target().contains(Fixtures.parse(row.expected).asText()), sent.target());
            default -> {
                if (row.where.startsWith("header:")) {
                    String header = sent.headers().get(row.where.substring("header:".length()).toLowerCase(java.util.Locale.ROOT));
                    assertTrue(header != null, "no " + row.where);
                    JsonAssert.assertJsonEquals(Fixtures.parse(row.expected), Fixtures.parse(new String(Base64.getUrlDecoder().decode(header), StandardCharsets.UTF_8)));
                } else if (row.expected.equals("<missing>")) {
                    assertTrue(body(sent).at(row.where).isMissingNode(), row.where + " is " + body(sent).at(row.where));
                } else {
                    JsonAssert.assertJsonEquals(Fixtures.parse(row.expected), body(sent).at(row.where));
                }
            }
        }
    }

    @Test
    void helpListsEveryDockerFlag() {
        for (String command : List.of("create", "update")) {
            CliRun r = CliRun.run("service", command, "--help");
            assertEquals(0, r.exitCode(), r.toString());
            List<String> missing = resource("docker-flags/service-" + command + ".txt").lines().filter(l -> l.startsWith("--"))
                    .filter(f -> !java.util.regex.Pattern.compile("(^|[ ,])" + java.util.regex.Pattern.quote(f) + "([=,\\s\\[]|$)", java.util.regex.Pattern.MULTILINE)
                            .matcher(r.out()).find())
                    .toList();
            assertEquals(List.of(), missing, "service " + command + " --help");
        }
    }

    @Test
    void anUnknownSecretIsRefusedBeforeAnythingIsCreated() {
        int before = agent.requests().size();
        CliRun r = CliRun.run(env, "-H", agent.url(), "service", "create", "-d", "--secret", "nope", "busybox");
        assertEquals(2, r.exitCode(), r.toString());
        assertEquals(List.of("Error: invalid argument for \"--secret\": secret not found: nope"), r.errLines());
        assertTrue(agent.requests().subList(before, agent.requests().size()).stream().noneMatch(q -> q.method().equals("POST")));
    }

    @Test
    void rollbackTakesNoOtherSpecFlag() {
        int before = agent.requests().size();
        CliRun r = CliRun.run(env, "-H", agent.url(), "service", "update", "--rollback", "--replicas", "2", "web");
        assertEquals(2, r.exitCode(), r.toString());
        assertEquals(List.of("Error: other flags may not be combined with --rollback"), r.errLines());
        assertEquals(before, agent.requests().size());
    }

    @Test
    void everyCreateFlagOfDockerIsInTheTable() {
        assertCovered("create", "docker-flags/service-create.txt");
    }

    @Test
    void everyUpdateFlagOfDockerIsInTheTable() {
        assertCovered("update", "docker-flags/service-update.txt");
    }

    private static void assertCovered(String command, String flagList) {
        Set<String> used = new LinkedHashSet<>();
        for (Row r : rows()) {
            if (!r.command.startsWith(command)) continue;
            for (String w : words(r.args)) {
                if (w.startsWith("--")) used.add(w.contains("=") ? w.substring(0, w.indexOf('=')) : w);
            }
        }
        List<String> missing = resource(flagList).lines().filter(l -> l.startsWith("--")).filter(f -> !used.contains(f)).toList();
        assertEquals(List.of(), missing, "docker flags of service " + command + " with no row in " + TABLE);
        assertFalse(used.isEmpty());
    }

    /** Runs create (before the image) or update (of web, or of update:SERVICE) detached; the last POST it sent. */
    private static RecordedRequest run(String command, List<String> args) {
        List<String> argv = new ArrayList<>(List.of("-H", agent.url(), "service", command.startsWith("update") ? "update" : "create"));
        if (!args.contains("--detach") && !args.contains("--rollback")) argv.add("-d");
        if (args.contains("--rollback")) argv.add("-d");
        argv.addAll(args);
        argv.add(command.equals("create") ? "busybox" : command.contains(":") ? command.substring(command.indexOf(':') + 1) : "web");
        int before = agent.requests().size();
        CliRun r = CliRun.run(env, argv.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.toString());
        List<RecordedRequest> requests = agent.requests().subList(before, agent.requests().size());
        return requests.stream().filter(q -> q.method().equals("POST")).reduce((a, b) -> b).orElseThrow(() -> new AssertionError("nothing posted: " + r));
    }

    private static JsonNode body(RecordedRequest r) {
        return Fixtures.parse(r.bodyText());
    }

    /** Shell-like words: spaces split, double quotes group. */
    static List<String> words(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        boolean inWord = false;
        for (char c : s.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
                inWord = true;
            } else if (c == ' ' && !quoted) {
                if (inWord) out.add(cur.toString());
                cur.setLength(0);
                inWord = false;
            } else {
                cur.append(c);
                inWord = true;
            }
        }
        if (inWord) out.add(cur.toString());
        return out;
    }

    private static String resource(String name) {
        try (InputStream in = ServiceFlagParityTest.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("missing test resource " + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
