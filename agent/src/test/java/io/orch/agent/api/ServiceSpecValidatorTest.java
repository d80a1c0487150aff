package io.orch.agent.api;

import io.orch.api.json.DockerJson;
import io.orch.api.proto.ServiceSpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ServiceSpecValidatorTest {
    private static final String IMAGE = "\"TaskTemplate\":{\"ContainerSpec\":{\"Image\":\"x\"}";

    private static ServiceSpec read(String json) throws Exception {
        return ServiceSpecReader.read(DockerJson.MAPPER.readTree(json));
    }

    private static String problem(String json) {
        return assertThrows(ApiException.class, () -> read(json)).getMessage();
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
        "{\"Name\":\"-bad\"," + IMAGE + "}}                                   | Name: invalid name \"-bad\"",
        "{\"Name\":\"w\"," + IMAGE + "},\"Mode\":{\"Replicated\":{\"Replicas\":1},\"Global\":{}}} | Mode: set only one of Replicated, Global, ReplicatedJob or GlobalJob",
        "{\"Name\":\"w\"," + IMAGE + "},\"Mode\":{\"ReplicatedJob\":{\"MaxConcurrent\":0}}} | Mode.ReplicatedJob.MaxConcurrent: must be at least 1",
        "{\"Name\":\"w\"," + IMAGE + ",\"Resources\":{\"Limits\":{\"MemoryBytes\":-5}}}} | TaskTemplate.Resources.Limits.MemoryBytes: must not be negative, got -5",
        "{\"Name\":\"w\"," + IMAGE + ",\"Placement\":{\"Constraints\":[\"node.role=worker\"]}}} | TaskTemplate.Placement.Constraints[0]: invalid constraint",
        "{\"Name\":\"w\"," + IMAGE + ",\"RestartPolicy\":{\"Condition\":\"sometimes\"}}} | TaskTemplate.RestartPolicy.Condition: invalid value \"sometimes\"",
        "{\"Name\":\"w\"," + IMAGE + ",\"Runtime\":\"kvm\"}}                     | TaskTemplate.Runtime: unknown runtime \"kvm\"",
        "{\"Name\":\"w\"," + IMAGE + "},\"EndpointSpec\":{\"Ports\":[{\"TargetPort\":0}]}} | EndpointSpec.Ports[0].TargetPort: must be 1..65535, got 0",
        "{\"Name\":\"w\"," + IMAGE + "},\"EndpointSpec\":{\"Ports\":[{\"TargetPort\":80,\"PublishedPort\":70000}]}} | EndpointSpec.Ports[0].PublishedPort: must be 1..65535, got 70000",
        "{\"Name\":\"w\"," + IMAGE + "},\"UpdateConfig\":{\"MaxFailureRatio\":2}} | UpdateConfig.MaxFailureRatio: must be between 0 and 1",
    })
    void eachProblemIsOneLineNamingTheField(String json, String expected) {
        String message = problem(json);
        assertEquals(true, message.startsWith("invalid ServiceSpec: " + expected), message);
        assertEquals(-1, message.indexOf('\n'));
    }

    @Test
    void modeDefaults() throws Exception {
        assertEquals(1, read("{\"Name\":\"w\"," + IMAGE + "}}").getMode().getReplicated().getReplicas());
        assertEquals(1, read("{\"Name\":\"w\"," + IMAGE + "},\"Mode\":{\"Replicated\":{}}}").getMode().getReplicated().getReplicas());
        assertEquals(0, read("{\"Name\":\"w\"," + IMAGE + "},\"Mode\":{\"Replicated\":{\"Replicas\":0}}}").getMode().getReplicated().getReplicas());
        assertEquals(true, read("{\"Name\":\"w\"," + IMAGE + "},\"Mode\":{\"Global\":{}}}").getMode().hasGlobal());
    }

    @Test
    void acceptsWhatStackDeploySends() throws Exception {
        String stack = "{\"Name\": \"st2_db\", \"Labels\": {\"com.docker.stack.image\": \"redis:7\"}, \"TaskTemplate\": "
                + "{\"ContainerSpec\": {\"Image\": \"redis:7\", \"Privileges\": {\"CredentialSpec\": null}}, \"Resources\": {},"
                + " \"Placement\": {\"Constraints\": [\"node.role == worker\"]}, \"Networks\": [{\"Target\": \"st2_backend\","
                + " \"Aliases\": [\"db\"]}], \"ForceUpdate\": 0}, \"Mode\": {\"Global\": {}}, \"EndpointSpec\": {\"Mode\": \"dnsrr\"}}";
        assertEquals("st2_db", read(stack).getName());
    }
}
