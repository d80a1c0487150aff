package io.orch.cli.stack;

import static io.orch.cli.testing.JsonAssert.assertJsonEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orch.cli.testing.CliRun;
import io.orch.cli.testing.Fixtures;
import io.orch.cli.testing.RecordedRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code orch stack deploy|rm} against a recording fake agent. */
class StackDeployTest {
    @TempDir
    Path dir;
    private StackFakeAgent agent;

    @BeforeEach
    void start() throws IOException {
        agent = new StackFakeAgent();
        for (String f : List.of("docker-compose.yml", "s1.txt", "c1.txt")) {
            Files.copy(Path.of("src/test/resources/stack/probe", f), dir.resolve(f));
        }
    }

    @AfterEach
    void stop() throws IOException {
        agent.close();
    }

    private CliRun orch(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "-H";
        all[1] = agent.url();
        System.arraycopy(args, 0, all, 2, args.length);
        return CliRun.run(all);
    }

    private String compose() {
        return dir.resolve("docker-compose.yml").toString();
    }

    /** IDs differ and orch does not pin image digests (docker's Platforms come from that lookup). */
    private static JsonNode comparable(JsonNode body) {
        ObjectNode b = body.deepCopy();
        JsonNode c = b.path("TaskTemplate").path("ContainerSpec");
        if (c instanceof ObjectNode cs) {
            cs.put("Image", cs.path("Image").asText().replaceAll("@sha256:[0-9a-f]+$", ""));
            for (JsonNode ref : cs.path("Secrets")) ((ObjectNode) ref).put("SecretID", "<id>");
            for (JsonNode ref : cs.path("Configs")) ((ObjectNode) ref).put("ConfigID", "<id>");
        }
        if (b.path("TaskTemplate").path("Placement") instanceof ObjectNode p) {
            p.remove("Platforms");
        }
        return b;
    }

    @Test
    void probeFileSendsWhatDockerSends() throws IOException {
        CliRun r = orch("stack", "deploy", "-c", compose(), "st");
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode docker = Fixtures.JSON.readTree(Path.of("src/test/resources/stack/probe/docker28_25_stack_deploy_bodies.json").toFile());
        List<RecordedRequest> posts = agent.writes();
        assertEquals(docker.size(), posts.size(), agent.writeLines().toString());
        for (JsonNode expected : docker) {
            String path = expected.path("path").asText().substring("/v1.47".length());
            String name = expected.path("body").path("Name").asText();
            RecordedRequest actual = posts.stream()
                    .filter(p -> p.target().endsWith(path) && Fixtures.parse(p.bodyText()).path("Name").asText().equals(name))
                    .findFirst().orElseThrow(() -> new AssertionError("no " + path + " for " + name + " in " + agent.writeLines()));
            assertJsonEquals(comparable(expected.path("body")), comparable(Fixtures.parse(actual.bodyText())));
        }
        // the secret and config references carry the IDs the server gave them
        JsonNode web = agent.services.values().stream().filter(s -> s.path("Spec").path("Name").asText().equals("st_web")).findFirst().orElseThrow();
        String secretId = agent.secrets.keySet().iterator().next();
        assertEquals(secretId, web.path("Spec").path("TaskTemplate").path("ContainerSpec").path("Secrets").get(0).path("SecretID").asText());
        assertEquals(List.of("Creating network st_backend", "Creating secret st_s_db", "Creating config st_c_app",
                "Creating service st_db", "Creating service st_web"), r.outLines());
    }

    @Test
    void redeployUpdatesOnlyChangedServices() throws IOException {
        assertEquals(0, orch("stack", "deploy", "-c", compose(), "st").exitCode());
        agent.requests().clear();
        // the fake stores bodies as sent; the real server stores network IDs: same comparison either way
        CliRun again = orch("stack", "deploy", "-c", compose(), "st");
        assertEquals(0, again.exitCode(), again.toString());
        assertTrue(agent.writeLines().stream().noneMatch(l -> l.contains("/services/")), agent.writeLines().toString());

        Files.writeString(dir.resolve("docker-compose.yml"), Files.readString(dir.resolve("docker-compose.yml")).replace("replicas: 2", "replicas: 3"));
        agent.requests().clear();
        CliRun changed = orch("stack", "deploy", "-c", compose(), "st");
        assertEquals(0, changed.exitCode(), changed.toString());
        List<String> serviceWrites = agent.writeLines().stream().filter(l -> l.contains("/services/")).toList();
        assertEquals(1, serviceWrites.size(), serviceWrites.toString());
        String webId = agent.services.entrySet().stream().filter(e -> e.getValue().path("Spec").path("Name").asText().equals("st_web"))
                .findFirst().orElseThrow().getKey();
        assertEquals("POST /v1.47/services/" + webId + "/update", serviceWrites.get(0));
        assertTrue(changed.out().contains("Updating service st_web (id: " + webId + ")"), changed.out());
    }

    @Test
    void pruneRemovesServicesNoLongerInTheFile() throws IOException {
        assertEquals(0, orch("stack", "deploy", "-c", compose(), "st").exitCode());
        Path small = dir.resolve("small.yml");
        Files.writeString(small, "services:\n  db:\n    image: redis:7\n    command: [\"redis-server\", \"--appendonly\", \"yes\"]\n");
        agent.requests().clear();
        CliRun r = orch("stack", "deploy", "--prune", "-c", small.toString(), "st");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("Removing service st_web"), r.out());
        assertEquals(List.of("st_db"), agent.services.values().stream().map(s -> s.path("Spec").path("Name").asText()).toList());
    }

    @Test
    void stackRmRemovesEverythingOfTheStack() {
        assertEquals(0, orch("stack", "deploy", "-c", compose(), "st").exitCode());
        CliRun r = orch("stack", "rm", "st");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(agent.services.isEmpty() && agent.secrets.isEmpty() && agent.configs.isEmpty() && agent.networks.isEmpty(),
                agent.writeLines().toString());
        assertEquals("Removing network st_backend", r.outLines().get(r.outLines().size() - 1));
        CliRun again = orch("stack", "rm", "st");
        assertEquals(List.of("Nothing found in stack: st"), again.errLines());
    }

    @Test
    void stackLsAndServicesReadTheNamespaceLabel() {
        assertEquals(0, orch("stack", "deploy", "-c", compose(), "st").exitCode());
        CliRun ls = orch("stack", "ls");
        assertEquals(List.of("NAME      SERVICES", "st        2"), ls.outLines());
        assertTrue(agent.requests().get(agent.requests().size() - 1).decodedTarget()
                .endsWith("/services?filters={\"label\":{\"com.docker.stack.namespace\":true}}"));
    }

    @Test
    void containerFieldsAreConvertedAsDockerStackDeployDoes() throws IOException {
        Path f = dir.resolve("fields.yml");
        Files.writeString(f, String.join("\n",
                "services:",
                "  a:",
                "    image: busybox",
                "    cap_add: [net_admin, CAP_SYS_TIME]",
                "    cap_drop: [chown, net_admin]",
                "    dns: 8.8.8.8",
                "    dns_search: [example.com]",
                "    dns_opt: [ndots:2]",
                "    extra_hosts: [\"db:10.0.0.5\"]",
                "    sysctls: {net.core.somaxconn: 1024}",
                "    ulimits: {nofile: {soft: 10, hard: 20}}",
                "    init: true",
                "    tty: true",
                "    privileged: false",
                "    isolation: default",
                "    oom_score_adj: -100",
                "    credential_spec: {file: spec.json}",
                "    logging: {driver: json-file, options: {max-size: 10m}}",
                "    tmpfs: /run",
                "    volumes:",
                "      - {type: bind, source: /srv, target: /srv, bind: {propagation: rslave}}",
                "      - {type: volume, source: data, target: /data, volume: {nocopy: true}}",
                "      - {type: tmpfs, target: /t, tmpfs: {size: 64m, mode: 1777}}",
                "volumes:",
                "  data: {}",
                ""));
        CliRun r = orch("stack", "deploy", "-c", f.toString(), "st");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(List.of(), r.errLines());
        JsonNode spec = agent.services.values().stream().filter(s -> s.path("Spec").path("Name").asText().equals("st_a"))
                .findFirst().orElseThrow().path("Spec");
        JsonNode c = spec.path("TaskTemplate").path("ContainerSpec");
        assertJsonEquals(Fixtures.parse("[\"CAP_NET_ADMIN\",\"CAP_SYS_TIME\"]"), c.path("CapabilityAdd"));
        assertJsonEquals(Fixtures.parse("[\"CAP_CHOWN\"]"), c.path("CapabilityDrop"));
        assertJsonEquals(Fixtures.parse("{\"Nameservers\":[\"8.8.8.8\"],\"Search\":[\"example.com\"],\"Options\":[\"ndots:2\"]}"), c.path("DNSConfig"));
        assertJsonEquals(Fixtures.parse("[\"10.0.0.5 db\"]"), c.path("Hosts"));
        assertJsonEquals(Fixtures.parse("{\"net.core.somaxconn\":\"1024\"}"), c.path("Sysctls"));
        assertJsonEquals(Fixtures.parse("[{\"Name\":\"nofile\",\"Soft\":10,\"Hard\":20}]"), c.path("Ulimits"));
        assertEquals(true, c.path("Init").asBoolean());
        assertEquals(true, c.path("TTY").asBoolean());
        assertEquals("default", c.path("Isolation").asText());
        assertEquals(-100, c.path("OomScoreAdj").asLong());
        assertJsonEquals(Fixtures.parse("{\"File\":\"spec.json\"}"), c.path("Privileges").path("CredentialSpec"));
        assertJsonEquals(Fixtures.parse("{\"Name\":\"json-file\",\"Options\":{\"max-size\":\"10m\"}}"), spec.path("TaskTemplate").path("LogDriver"));
        JsonNode mounts = c.path("Mounts");
        assertJsonEquals(Fixtures.parse("{\"Propagation\":\"rslave\"}"), mounts.get(0).path("BindOptions"));
        assertEquals(true, mounts.get(1).path("VolumeOptions").path("NoCopy").asBoolean());
        assertJsonEquals(Fixtures.parse("{\"SizeBytes\":67108864,\"Mode\":1777}"), mounts.get(2).path("TmpfsOptions"));
        assertJsonEquals(Fixtures.parse("{\"Type\":\"tmpfs\",\"Target\":\"/run\"}"), mounts.get(3));

        // stack config writes these keys in a form that loads back to the same stack
        CliRun config = orch("stack", "config", "-c", f.toString());
        assertEquals(0, config.exitCode(), config.toString());
        assertTrue(config.out().contains("cap_add") && config.out().contains("propagation: rslave"), config.out());
        Path again = dir.resolve("fields-again.yml");
        Files.writeString(again, config.out());
        assertEquals(config.out(), orch("stack", "config", "-c", again.toString()).out());
    }

    @Test
    void ignoredKeysAreOneWarningLine() throws IOException {
        Path f = dir.resolve("ignored.yml");
        Files.writeString(f, "services:\n  a:\n    image: busybox\n    build: .\n    container_name: x\n");
        CliRun r = orch("stack", "deploy", "-c", f.toString(), "st");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(List.of("Ignoring unsupported options: build, container_name"), r.errLines());
    }

    @Test
    void aMissingExternalSecretFailsBeforeAnyWrite() throws IOException {
        Path f = dir.resolve("ext.yml");
        Files.writeString(f, "services:\n  a:\n    image: busybox\n    secrets: [x]\nsecrets:\n  x:\n    external: true\n");
        CliRun r = orch("stack", "deploy", "-c", f.toString(), "st");
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.err().contains("secret x is declared as external, but could not be found"), r.err());
        assertEquals(List.of(), agent.writes());
    }

    @Test
    void theEnvironmentReachesInterpolation() throws IOException {
        Path f = dir.resolve("env.yml");
        Files.writeString(f, "services:\n  a:\n    image: busybox:${TAG}\n");
        CliRun r = CliRun.run(Map.of("TAG", "1.36"), "-H", agent.url(), "stack", "deploy", "-c", f.toString(), "st");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("busybox:1.36", agent.services.values().iterator().next().path("Spec").path("TaskTemplate").path("ContainerSpec").path("Image").asText());
    }
}
