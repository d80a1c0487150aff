package io.orch.cli.progress;

import com.fasterxml.jackson.databind.JsonNode;
import io.orch.cli.client.DockerApi;
import io.orch.cli.parse.Filters;

/** The three reads of one convergence poll, exactly those docker makes. */
public interface ServicePoller {
    record Poll(JsonNode service, JsonNode tasks, JsonNode nodes) {}

    Poll poll();

    static ServicePoller of(DockerApi api, String serviceId) {
        Filters upToDate = new Filters().add("_up-to-date", "true").add("service", serviceId);
        return () -> new Poll(api.service(serviceId, false), api.tasks(upToDate), api.nodes());
    }
}
