package io.orch.agent.api;

import io.orch.api.json.DockerJson;
import io.orch.api.proto.JobStatus;
import io.orch.api.proto.RestartPolicy;
import io.orch.api.proto.Service;
import io.orch.api.proto.ServiceSpec;
import io.orch.api.proto.Version;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JobSpecDefaultsTest {
    private static final String IMAGE = "\"TaskTemplate\":{\"ContainerSpec\":{\"Image\":\"x\"}";
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static ServiceSpec read(String json) throws Exception {
        return ServiceSpecReader.read(DockerJson.MAPPER.readTree(json));
    }

    @Test
    void aReplicatedJobGetsDockersDefaults() throws Exception {
        ServiceSpec spec = read("{\"Name\":\"j\"," + IMAGE + "},\"Mode\":{\"ReplicatedJob\":{}}}");
        assertEquals(1, spec.getMode().getReplicatedJob().getMaxConcurrent());
        assertEquals(1, spec.getMode().getReplicatedJob().getTotalCompletions());
        assertEquals(RestartPolicy.Condition.ON_FAILURE, spec.getTaskTemplate().getRestartPolicy().getCondition());
    }

    @Test
    void totalCompletionsDefaultsToMaxConcurrentAndGivenValuesAreKept() throws Exception {
        ServiceSpec spec = read("{\"Name\":\"j\"," + IMAGE + "},\"Mode\":{\"ReplicatedJob\":{\"MaxConcurrent\":4}}}");
        assertEquals(4, spec.getMode().getReplicatedJob().getTotalCompletions());
        ServiceSpec given = read("{\"Name\":\"j\"," + IMAGE + ",\"RestartPolicy\":{\"Condition\":\"none\"}},"
                + "\"Mode\":{\"ReplicatedJob\":{\"MaxConcurrent\":2,\"TotalCompletions\":5}}}");
        assertEquals(2, given.getMode().getReplicatedJob().getMaxConcurrent());
        assertEquals(5, given.getMode().getReplicatedJob().getTotalCompletions());
        assertEquals(RestartPolicy.Condition.NONE, given.getTaskTemplate().getRestartPolicy().getCondition());
    }

    @Test
    void theDockerJsonOfAJobHasItsCountsAndJobStatus() throws Exception {
        ServiceSpec spec = read("{\"Name\":\"j\"," + IMAGE + "},\"Mode\":{\"ReplicatedJob\":{\"MaxConcurrent\":2,\"TotalCompletions\":3}}}");
        Service s = ServiceChange.created("id1", spec, T0);
        var json = DockerJson.toJson(s);
        assertEquals(3, json.path("Spec").path("Mode").path("ReplicatedJob").path("TotalCompletions").asLong());
        assertEquals(1, json.path("JobStatus").path("JobIteration").path("Index").asLong());
        assertEquals("2026-01-01T00:00:00Z", json.path("JobStatus").path("LastExecution").asText());
        assertTrue(read("{\"Name\":\"g\"," + IMAGE + "},\"Mode\":{\"GlobalJob\":{}}}").getMode().hasGlobalJob());
    }

    @Test
    void everyUpdateOfAJobStartsANewRunAndItsModeCannotChange() throws Exception {
        ServiceSpec spec = read("{\"Name\":\"j\"," + IMAGE + "},\"Mode\":{\"ReplicatedJob\":{}}}");
        Service s = ServiceChange.created("id1", spec, T0).toBuilder().setVersion(Version.newBuilder().setIndex(7)).build();
        Service next = ServiceChange.updated(s, spec, 7, false, T0.plusSeconds(60));
        JobStatus run = next.getJobStatus();
        assertEquals(2, run.getJobIteration().getIndex());
        assertEquals(T0.plusSeconds(60).getEpochSecond(), run.getLastExecution().getSeconds());

        ServiceSpec replicated = read("{\"Name\":\"j\"," + IMAGE + "}}");
        ApiException e = assertThrows(ApiException.class, () -> ServiceChange.updated(s, replicated, 7, false, T0));
        assertEquals("service mode change is not allowed", e.getMessage());
    }

    @Test
    void aServiceThatIsNoJobHasNoJobStatus() throws Exception {
        Service s = ServiceChange.created("id1", read("{\"Name\":\"w\"," + IMAGE + "}}"), T0);
        assertFalse(s.hasJobStatus());
        assertFalse(DockerJson.toJson(s).has("JobStatus"));
    }
}
