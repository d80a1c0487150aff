package io.orch.agent.pki;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.orch.api.proto.NodeTLSInfo;

import java.time.Instant;

/** What a node reports of its TLS identity in its description ({@code docker node inspect} Description.TLSInfo). */
public final class NodeTlsInfo {
    private NodeTlsInfo() {
    }

    public static NodeTLSInfo of(NodeCredentials credentials) {
        Instant notAfter = credentials.notAfter();
        return NodeTLSInfo.newBuilder()
                .setTrustRoot(credentials.trustedRootsPem())
                .setCertIssuerSubject(ByteString.copyFrom(credentials.certificate().getIssuerX500Principal().getEncoded()))
                .setCertIssuerPublicKey(ByteString.copyFrom(credentials.issuerPublicKey().getEncoded()))
                .setCertExpiry(Timestamp.newBuilder().setSeconds(notAfter.getEpochSecond()).setNanos(notAfter.getNano()))
                .setCertSerial(credentials.serial())
                .build();
    }
}
