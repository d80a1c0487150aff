package io.orch.agent.pki;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;

/**
 * When a node certificate was issued and until when it is valid. Its notBefore is not the issue
 * time: {@link RootCa} backdates it by {@link RootCa#BACKDATE} for peers whose clocks lag, which
 * would make a one-minute certificate look an hour and a minute long.
 */
public record CertificateLifetime(Instant issuedAt, Instant notAfter) {

    public static CertificateLifetime of(X509Certificate certificate) {
        Instant notBefore = certificate.getNotBefore().toInstant();
        Instant notAfter = certificate.getNotAfter().toInstant();
        Instant issued = notBefore.plus(RootCa.BACKDATE);
        // a certificate shorter than the backdate was not made by RootCa.issue: count it whole
        return new CertificateLifetime(issued.isBefore(notAfter) ? issued : notBefore, notAfter);
    }

    /** How long the certificate was issued for. */
    public Duration length() {
        return Duration.between(issuedAt, notAfter);
    }
}
