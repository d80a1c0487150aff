package io.orch.raft.ratis;

import org.apache.ratis.conf.Parameters;
import org.apache.ratis.grpc.GrpcFactory;
import org.apache.ratis.grpc.GrpcTlsConfig;

import java.util.Optional;

/**
 * Turns {@link RaftTls} into the Ratis parameters that both the server and the client builder take.
 * One mutual config serves all three gRPC roles: the server (which then requires a client
 * certificate), the log appenders that dial peers and the proposal client, all presenting the
 * node certificate. Ratis' own TLS property keys (file paths) are not used: key material stays in memory.
 */
final class RatisTls {
    private RatisTls() {
    }

    static Parameters parameters(Optional<RaftTls> tls) {
        return tls.map(t -> GrpcFactory.newRaftParameters(new GrpcTlsConfig(t.keyManager(), t.trustManager(), true)))
                .orElseGet(Parameters::new);
    }
}
