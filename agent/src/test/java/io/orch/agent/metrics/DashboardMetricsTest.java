package io.orch.agent.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Grafana dashboard, docs/metrics.md and the agent cannot drift apart: every metric a
 * dashboard query names is documented and is in a scrape of a registry with every meter
 * registered; every documented metric is exported and every exported one documented.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardMetricsTest {
    private static final Pattern METRIC = Pattern.compile("\\borch_[a-z0-9_]+");

    private FullRegistry full;
    private Set<String> exported;
    private Set<String> documented;

    @BeforeAll
    void scrape() throws Exception {
        full = new FullRegistry();
        exported = FullRegistry.sampleNames(full.scrape());
        documented = DocumentedMetrics.names();
    }

    @AfterAll
    void close() throws Exception {
        full.close();
    }

    @Test
    void everyMetricTheDashboardQueriesIsDocumentedAndExported() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(
                DocumentedMetrics.repositoryFile("packaging/grafana/orch-dashboard.json").toFile());
        Set<String> queried = new TreeSet<>();
        collectQueries(dashboard, queried);
        assertTrue(queried.size() >= 20, "the dashboard queries the metrics of its four rows: " + queried);
        for (String name : queried) {
            assertTrue(DocumentedMetrics.owner(name, documented) != null,
                    "the dashboard queries " + name + ", which docs/metrics.md does not document");
            assertTrue(exported.contains(name), "the dashboard queries " + name + ", which the agent does not export");
        }
    }

    @Test
    void theDashboardHasItsFourRows() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(
                DocumentedMetrics.repositoryFile("packaging/grafana/orch-dashboard.json").toFile());
        Set<String> rows = new TreeSet<>();
        dashboard.path("panels").forEach(p -> {
            if (p.path("type").asText().equals("row")) {
                rows.add(p.path("title").asText());
            }
        });
        assertEquals(Set.of("Cluster", "Nodes", "Services", "Raft"), rows);
    }

    @Test
    void everyDocumentedMetricIsExported() {
        Set<String> missing = new TreeSet<>();
        for (String name : documented) {
            boolean present = exported.contains(name)
                    || DocumentedMetrics.SUFFIXES.stream().anyMatch(s -> exported.contains(name + s));
            if (!present) {
                missing.add(name);
            }
        }
        assertTrue(missing.isEmpty(), "documented but not exported: " + missing);
    }

    @Test
    void everyExportedMetricIsDocumented() {
        Set<String> undocumented = new TreeSet<>();
        for (String sample : exported) {
            if (sample.startsWith("orch_") && DocumentedMetrics.owner(sample, documented) == null) {
                undocumented.add(sample);
            }
        }
        assertTrue(undocumented.isEmpty(), "exported but not in docs/metrics.md: " + undocumented);
        assertFalse(exported.stream().anyMatch(s -> !s.startsWith("orch_")), "only orch_ metrics: " + exported);
    }

    /** The metric names in every PromQL expression and template variable query of the dashboard. */
    private static void collectQueries(JsonNode node, Set<String> into) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                if ((e.getKey().equals("expr") || e.getKey().equals("definition") || e.getKey().equals("query"))
                        && e.getValue().isTextual()) {
                    Matcher m = METRIC.matcher(e.getValue().asText());
                    while (m.find()) {
                        into.add(m.group());
                    }
                } else {
                    collectQueries(e.getValue(), into);
                }
            });
        } else if (node.isArray()) {
            node.forEach(n -> collectQueries(n, into));
        }
    }
}
