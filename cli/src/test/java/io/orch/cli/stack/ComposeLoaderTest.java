package io.orch.cli.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import io.orch.cli.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loader on its own: each compose feature, and the canonical form it produces. */
class ComposeLoaderTest {
    @TempDir
    Path dir;

    private StackFile load(Map<String, String> env, String... yamlFiles) throws IOException {
        String[] names = new String[yamlFiles.length];
        for (int i = 0; i < yamlFiles.length; i++) {
            Path f = dir.resolve("f" + i + ".yml");
            Files.writeString(f, yamlFiles[i]);
            names[i] = f.toString();
        }
        return new ComposeLoader(env).load(List.of(names));
    }

    private JsonNode web(StackFile s) {
        return s.services().get("web");
    }

    @Test
    void interpolationForms() throws IOException {
        StackFile s = load(Map.of("TAG", "1.2", "EMPTY", "", "SET", "x"), """
                services:
                  web:
                    image: "nginx:${TAG}"
                    environment:
                      A: "${UNSET:-dflt}"
                      B: "${EMPTY:-dflt}"
                      C: "${EMPTY-dflt}"
                      D: "$$HOME and $${X}"
                      E: "$SET-${SET:+alt}-${UNSET+alt}"
                      F: "${UNSET:-${SET}}"
                      G: "${SET:?must be set}"
                """);
        assertEquals("nginx:1.2", web(s).get("image").asText());
        JsonNode env = web(s).get("environment");
        assertEquals("dflt", env.get("A").asText());
        assertEquals("dflt", env.get("B").asText());
        assertEquals("", env.get("C").asText());
        assertEquals("$HOME and ${X}", env.get("D").asText());
        assertEquals("x-alt-", env.get("E").asText());
        assertEquals("x", env.get("F").asText());
        assertEquals("x", env.get("G").asText());
    }

    @Test
    void dotEnvNextToTheFileAndTheEnvironmentWins() throws IOException {
        Files.writeString(dir.resolve(".env"), "# comment\nTAG=from-file\nexport REPLICAS=3\nQUOTED=\"a b\"\n");
        StackFile s = load(Map.of("TAG", "from-env"), """
                services:
                  web:
                    image: "nginx:${TAG}"
                    labels: {q: "${QUOTED}"}
                    deploy: {replicas: "${REPLICAS}"}
                """);
        assertEquals("nginx:from-env", web(s).get("image").asText());
        assertEquals(3, web(s).get("deploy").get("replicas").asInt());
        assertEquals("a b", web(s).get("labels").get("q").asText());
    }

    @Test
    void anchorsMergeKeysAndExtensionFields() throws IOException {
        StackFile s = load(Map.of(), """
                x-common: &common
                  image: busybox
                  environment: {A: "1"}
                  deploy: &deploy
                    replicas: 2
                services:
                  web:
                    <<: *common
                    environment: {B: "2"}
                  api:
                    <<: *common
                    deploy:
                      <<: *deploy
                      mode: replicated
                    x-note: ignored
                """);
        assertEquals("busybox", web(s).get("image").asText());
        assertEquals(Map.of("B", "2"), Fixtures.JSON.convertValue(web(s).get("environment"), Map.class));
        assertEquals(2, web(s).get("deploy").get("replicas").asInt());
        JsonNode api = s.services().get("api");
        assertEquals(2, api.get("deploy").get("replicas").asInt());
        assertEquals("replicated", api.get("deploy").get("mode").asText());
        assertEquals(false, api.has("x-note"));
        assertEquals(false, s.model().has("x-common"));
    }

    @Test
    void twoFilesMergeWithComposeRules() throws IOException {
        StackFile s = load(Map.of(), """
                services:
                  web:
                    image: nginx:1
                    command: [a, b]
                    environment: [A=1, B=2]
                    ports: ["80:80"]
                    volumes: ["data:/data"]
                    secrets: [s]
                    deploy: {replicas: 1, labels: {x: "1"}}
                volumes: {data: {}}
                secrets: {s: {file: ./s.txt}}
                """, """
                services:
                  web:
                    image: nginx:2
                    command: c
                    environment: {B: "3", C: "4"}
                    ports: [{target: 443, published: 443}]
                    volumes: [{type: volume, source: data, target: /data, read_only: true}]
                    deploy: {labels: {y: "2"}}
                """);
        JsonNode w = web(s);
        assertEquals("nginx:2", w.get("image").asText());
        assertEquals("[\"c\"]", w.get("command").toString());
        assertEquals("{\"A\":\"1\",\"B\":\"3\",\"C\":\"4\"}", w.get("environment").toString());
        assertEquals(2, w.get("ports").size());
        assertEquals(1, w.get("volumes").size());
        assertEquals(true, w.get("volumes").get(0).get("read_only").asBoolean());
        assertEquals(1, w.get("deploy").get("replicas").asInt());
        assertEquals("{\"x\":\"1\",\"y\":\"2\"}", w.get("deploy").get("labels").toString());
    }

    @Test
    void shortAndLongPortsAndVolumes() throws IOException {
        StackFile s = load(Map.of(), """
                services:
                  web:
                    image: nginx
                    ports:
                      - 80
                      - "8080:80"
                      - "127.0.0.1:9000-9001:90-91/udp"
                      - {target: 443, published: 8443, mode: host}
                    volumes:
                      - /anon
                      - data:/data:ro
                      - ./conf:/etc/conf
                      - {type: tmpfs, target: /tmp}
                volumes: {data: {}}
                """);
        assertEquals("[{\"mode\":\"ingress\",\"target\":80,\"protocol\":\"tcp\"},"
                + "{\"mode\":\"ingress\",\"target\":80,\"published\":8080,\"protocol\":\"tcp\"},"
                + "{\"mode\":\"ingress\",\"target\":90,\"published\":9000,\"protocol\":\"udp\"},"
                + "{\"mode\":\"ingress\",\"target\":91,\"published\":9001,\"protocol\":\"udp\"},"
                + "{\"mode\":\"host\",\"target\":443,\"published\":8443,\"protocol\":\"tcp\"}]", web(s).get("ports").toString());
        JsonNode v = web(s).get("volumes");
        assertEquals("{\"type\":\"volume\",\"target\":\"/anon\"}", v.get(0).toString());
        assertEquals("{\"type\":\"volume\",\"source\":\"data\",\"target\":\"/data\",\"read_only\":true}", v.get(1).toString());
        assertEquals(dir.resolve("conf").toString(), v.get(2).get("source").asText());
        assertEquals("tmpfs", v.get(3).get("type").asText());
        JsonNode spec = new StackConverter(s, "st").service("web", Map.of(), Map.of());
        JsonNode mounts = spec.path("TaskTemplate").path("ContainerSpec").path("Mounts");
        assertEquals("st_data", mounts.get(1).get("Source").asText());
        assertEquals("st", mounts.get(1).path("VolumeOptions").path("Labels").path("com.docker.stack.namespace").asText());
    }

    @Test
    void healthcheckAndDeploySectionConvertLikeDocker() throws IOException {
        StackFile s = load(Map.of(), """
                services:
                  web:
                    image: nginx
                    entrypoint: /bin/sh -c
                    command: 'echo "a b"'
                    user: "1000"
                    working_dir: /app
                    hostname: h
                    stop_grace_period: 1m30s
                    stop_signal: SIGINT
                    init: true
                    read_only: true
                    ulimits: {nofile: {soft: 1024, hard: 2048}, nproc: 64}
                    healthcheck: {test: "curl -f http://x/", interval: 1m, retries: 2, start_interval: 2s}
                    deploy:
                      mode: replicated
                      replicas: 0
                      resources: {limits: {cpus: 1.5, memory: 1g, pids: 100}}
                      restart_policy: {condition: any, delay: 0s, window: 2m}
                      update_config: {parallelism: 2, monitor: 10s, max_failure_ratio: 0.25}
                      rollback_config: {order: stop-first}
                      placement: {max_replicas_per_node: 1}
                      endpoint_mode: vip
                """);
        JsonNode spec = new StackConverter(s, "st").service("web", Map.of(), Map.of());
        JsonNode c = spec.path("TaskTemplate").path("ContainerSpec");
        assertEquals("[\"/bin/sh\",\"-c\"]", c.get("Command").toString());
        assertEquals("[\"echo\",\"a b\"]", c.get("Args").toString());
        assertEquals("1000", c.get("User").asText());
        assertEquals("/app", c.get("Dir").asText());
        assertEquals(90_000_000_000L, c.get("StopGracePeriod").asLong());
        assertEquals("[{\"Name\":\"nofile\",\"Soft\":1024,\"Hard\":2048},{\"Name\":\"nproc\",\"Soft\":64,\"Hard\":64}]", c.get("Ulimits").toString());
        assertEquals("{\"Test\":[\"CMD-SHELL\",\"curl -f http://x/\"],\"Interval\":60000000000,\"StartInterval\":2000000000,\"Retries\":2}",
                c.get("Healthcheck").toString());
        assertEquals("{\"Limits\":{\"NanoCPUs\":1500000000,\"MemoryBytes\":1073741824,\"Pids\":100}}", spec.path("TaskTemplate").path("Resources").toString());
        assertEquals("{\"Condition\":\"any\",\"Delay\":0,\"Window\":120000000000}", spec.path("TaskTemplate").path("RestartPolicy").toString());
        assertEquals("{\"Parallelism\":2,\"Monitor\":10000000000,\"MaxFailureRatio\":0.25}", spec.path("UpdateConfig").toString());
        assertEquals("{\"Parallelism\":1,\"MaxFailureRatio\":0,\"Order\":\"stop-first\"}", spec.path("RollbackConfig").toString());
        assertEquals(1, spec.path("TaskTemplate").path("Placement").path("MaxReplicas").asInt());
        assertEquals("{\"Replicated\":{\"Replicas\":0}}", spec.path("Mode").toString());
        assertEquals("{\"Mode\":\"vip\"}", spec.path("EndpointSpec").toString());
        // no networks named: the stack's default network, with the service name as alias
        assertEquals("[{\"Target\":\"st_default\",\"Aliases\":[\"web\"]}]", spec.path("TaskTemplate").path("Networks").toString());
        assertEquals("st_default", new StackConverter(s, "st").networks().get(0).name());
    }

    @Test
    void envFileAndBareVariables() throws IOException {
        Files.writeString(dir.resolve("web.env"), "A=from-file\nB=from-file\n");
        StackFile s = load(Map.of("FROM_SHELL", "shell"), """
                services:
                  web:
                    image: nginx
                    env_file: web.env
                    environment: [B=explicit, FROM_SHELL, NOT_SET]
                """);
        JsonNode spec = new StackConverter(s, "st").service("web", Map.of(), Map.of());
        assertEquals("[\"A=from-file\",\"B=explicit\",\"FROM_SHELL=shell\",\"NOT_SET\"]", spec.path("TaskTemplate").path("ContainerSpec").path("Env").toString());
    }

    @Test
    void stackConfigOutputLoadsBackToTheSameStack() throws IOException {
        Path probe = Path.of("src/test/resources/stack/probe");
        for (String f : List.of("docker-compose.yml", "s1.txt", "c1.txt")) {
            Files.copy(probe.resolve(f), dir.resolve(f));
        }
        StackFile first = new ComposeLoader(Map.of()).load(List.of(dir.resolve("docker-compose.yml").toString()));
        Path printed = dir.resolve("printed.yml");
        Files.writeString(printed, first.toYaml());
        StackFile second = new ComposeLoader(Map.of()).load(List.of(printed.toString()));
        assertEquals(first.model(), second.model());
        assertEquals(first.toYaml(), second.toYaml());
    }

    @Test
    void octalModesAreReadAsDockerReadsThem() {
        assertEquals(256L, YamlTree.parseInt("0400"));
        assertEquals(256L, YamlTree.parseInt("0o400"));
        assertEquals(31L, YamlTree.parseInt("0x1F"));
        assertEquals(400L, YamlTree.parseInt("400"));
        assertThrows(StackFileException.class, () -> load(Map.of(), "services:\n  web:\n    image: x\n    secrets: [{source: s, mode: 99999}]\n"));
    }
}
