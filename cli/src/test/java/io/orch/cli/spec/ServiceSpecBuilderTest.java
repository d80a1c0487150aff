package io.orch.cli.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orch.cli.testing.Fixtures;
import static io.orch.cli.testing.JsonAssert.assertJsonEquals;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The body we build for a set of flags equals the body docker 28 sent for the same flags
 * (docker-cli-28-requests.txt), minus what docker adds from sources we do not have: the image
 * digest and platforms it looked up in the registry, and fields of flags we did not pass.
 */
class ServiceSpecBuilderTest {
    static ObjectNode build(String... args) {
        ServiceCreateOptions o = new ServiceCreateOptions();
        new CommandLine(o).setStopAtPositional(true).parseArgs(args);
        return ServiceSpecBuilder.build(o);
    }

    /** Drops the parts of a recorded docker body that do not come from the flags under test. */
    static JsonNode withoutRegistryLookupsAndDefaults(JsonNode dockerBody) {
        ObjectNode body = dockerBody.deepCopy();
        ObjectNode tt = (ObjectNode) body.path("TaskTemplate");
        ObjectNode cs = (ObjectNode) tt.path("ContainerSpec");
        cs.put("Image", cs.path("Image").asText().replaceAll("@sha256:[0-9a-f]+$", ""));
        cs.remove(java.util.List.of("Init", "Healthcheck", "DNSConfig"));
        ObjectNode placement = (ObjectNode) tt.path("Placement");
        placement.remove("Platforms");
        if (placement.isEmpty()) tt.remove("Placement");
        tt.remove("ForceUpdate");
        // UpdateConfig comes from --update-* flags and health checks from --health-*; neither is in the equivalent command
        body.remove("UpdateConfig");
        return body;
    }

    @Test
    void matchesTheBodyDockerSendsForTheSameCreateCommand() {
        JsonNode docker = withoutRegistryLookupsAndDefaults(Fixtures.json("docker28_11_service_create_body.json"));
        ObjectNode ours = build("--name", "web", "--replicas", "3", "-e", "A=1", "--limit-memory", "64m", "--reserve-cpu", "0.5",
                "--restart-condition", "on-failure", "--restart-delay", "5s", "--constraint", "node.role==worker",
                "-p", "8080:80", "busybox:latest", "sleep", "1000");
        assertJsonEquals(docker, ours);
    }

    @Test
    void matchesTheBodyDockerSendsForAMinimalCreate() {
        JsonNode docker = withoutRegistryLookupsAndDefaults(Fixtures.json("docker28_40_create_body.json"));
        assertJsonEquals(docker, build("--name", "web", "--replicas", "2", "busybox:latest", "sleep", "1000"));
    }

    @Test
    void everyOtherFlagLandsInItsDockerField() {
        ObjectNode s = build("--mode", "global", "-l", "tier=front", "--container-label", "c=1", "--limit-cpu", "1.5",
                "--limit-pids", "100", "--reserve-memory", "1g", "--restart-max-attempts", "3", "--restart-window", "1m",
                "--stop-grace-period", "30s", "--stop-signal", "SIGINT", "-w", "/app", "-u", "1000:1000", "--hostname", "h1",
                "--entrypoint", "sh -c", "--runtime", "process", "--placement-pref", "spread=node.labels.zone",
                "-p", "published=8443,target=443,mode=host,protocol=udp", "nginx:alpine", "echo", "--not-a-flag");
        JsonNode expected = Fixtures.parse("""
            {"Labels": {"tier": "front"},
             "TaskTemplate": {
               "ContainerSpec": {"Image": "nginx:alpine", "Labels": {"c": "1"}, "Command": ["sh", "-c"], "Args": ["echo", "--not-a-flag"],
                                 "Hostname": "h1", "Dir": "/app", "User": "1000:1000", "StopSignal": "SIGINT", "StopGracePeriod": 30000000000},
               "Resources": {"Limits": {"NanoCPUs": 1500000000, "Pids": 100}, "Reservations": {"MemoryBytes": 1073741824}},
               "RestartPolicy": {"MaxAttempts": 3, "Window": 60000000000},
               "Placement": {"Preferences": [{"Spread": {"SpreadDescriptor": "node.labels.zone"}}]},
               "Runtime": "process"},
             "Mode": {"Global": {}},
             "EndpointSpec": {"Mode": "vip", "Ports": [{"Protocol": "udp", "TargetPort": 443, "PublishedPort": 8443, "PublishMode": "host"}]}}
            """);
        assertJsonEquals(expected, s);
    }

    @Test
    void maxReplicasPerNodeGoesToPlacement() {
        assertEquals(2, build("--replicas-max-per-node", "2", "x").path("TaskTemplate").path("Placement").path("MaxReplicas").asInt());
    }

    @Test
    void replicasDefaultToOneAndUnsetSectionsAreLeftOut() {
        ObjectNode s = build("x");
        assertEquals(1, s.path("Mode").path("Replicated").path("Replicas").asInt());
        assertFalse(s.path("TaskTemplate").has("RestartPolicy"));
        assertFalse(s.path("TaskTemplate").has("Placement"));
        assertFalse(s.has("Name"));
    }

    @Test
    void globalModeRejectsReplicaCounts() {
        var e = assertThrows(ServiceSpecBuilder.InvalidCombinationException.class, () -> build("--mode", "global", "--replicas", "2", "x"));
        assertEquals("--replicas", e.flag);
        assertThrows(ServiceSpecBuilder.InvalidCombinationException.class, () -> build("--mode", "global", "--replicas-max-per-node", "2", "x"));
    }

    @Test
    void entrypointIsSplitLikeAShell() {
        assertEquals(java.util.List.of("sh", "-c", "echo hi"), ServiceSpecBuilder.splitWords("sh -c 'echo hi'"));
    }

    @Test
    void networksAndEndpointModeLandInTheTaskTemplateAndEndpointSpec() {
        ObjectNode s = build("--name", "web", "--network", "front", "--network", "name=back,alias=api",
                "--endpoint-mode", "dnsrr", "busybox:latest");
        JsonNode networks = s.path("TaskTemplate").path("Networks");
        assertEquals("front", networks.path(0).path("Target").asText());
        assertEquals("back", networks.path(1).path("Target").asText());
        assertEquals("api", networks.path(1).path("Aliases").path(0).asText());
        assertEquals("dnsrr", s.path("EndpointSpec").path("Mode").asText());
    }

    @Test
    void networkAddAndRmChangeOnlyTheNetworks() {
        ObjectNode current = build("--name", "web", "--network", "front", "--network", "back", "busybox:latest");
        // the stored spec names networks by ID
        ((ObjectNode) current.path("TaskTemplate").path("Networks").path(0)).put("Target", "id-front");
        ServiceUpdateOptions o = new ServiceUpdateOptions();
        new CommandLine(o).parseArgs("--network-rm", "front", "--network-add", "name=extra,alias=x");
        o.networkIds.put("front", "id-front");
        ObjectNode next = ServiceSpecUpdater.apply(current, o, new RolloutOptions());
        JsonNode networks = next.path("TaskTemplate").path("Networks");
        assertEquals(2, networks.size(), networks.toString());
        assertEquals("back", networks.path(0).path("Target").asText());
        assertEquals("extra", networks.path(1).path("Target").asText());
        assertEquals("x", networks.path(1).path("Aliases").path(0).asText());
        assertEquals(current.path("TaskTemplate").path("ContainerSpec"), next.path("TaskTemplate").path("ContainerSpec"));
    }
}
