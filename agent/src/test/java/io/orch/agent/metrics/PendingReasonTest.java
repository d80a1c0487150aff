package io.orch.agent.metrics;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The scheduler's explanations, as they are written, to their bounded reason label. */
class PendingReasonTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "no suitable node (constraint node.labels.zone==eu not met on 2 nodes)|constraint",
            "no suitable node (insufficient memory on 3 nodes; constraint x==y not met on 2 nodes)|resources",
            "no suitable node (insufficient cpu on 1 node)|resources",
            "no suitable node (unsupported platform on 1 node)|platform",
            "no suitable node (host-mode port 80/tcp already in use on 2 nodes)|host_port",
            "no suitable node (image reg:5000/x:1 not present on 1 node and cannot be pulled)|image",
            "no suitable node (max replicas per node (1) reached on 3 nodes)|max_replicas",
            "no suitable node (runtime runc not available on 2 nodes)|runtime",
            "no suitable node (3 nodes not available (down, paused or drained))|nodes_unavailable",
            "no suitable node (no nodes in the cluster)|no_nodes",
            "no suitable node (node abc is gone)|other",
            "no suitable node|other",
            "waiting for an address on network backend|network_address",
            "no address available on network backend|network_address",
            "too large to place: the task would be 2000000 bytes serialised|other",
            "''|other"})
    void classifies(String err, String reason) {
        assertEquals(reason, PendingReason.of(err).label());
    }
}
