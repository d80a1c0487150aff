package io.orch.agent.pki;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;

import java.security.cert.X509Certificate;

/** Reads single-valued attributes (CN, OU, O) of a certificate subject; "" when absent or repeated. */
final class Subjects {
    private Subjects() {}

    static String cn(X509Certificate certificate) {
        return attribute(certificate, BCStyle.CN);
    }

    static String ou(X509Certificate certificate) {
        return attribute(certificate, BCStyle.OU);
    }

    static String o(X509Certificate certificate) {
        return attribute(certificate, BCStyle.O);
    }

    private static String attribute(X509Certificate certificate, ASN1ObjectIdentifier type) {
        RDN[] rdns = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()).getRDNs(type);
        if (rdns.length != 1 || rdns[0].isMultiValued()) {
            return "";
        }
        return rdns[0].getFirst().getValue() instanceof ASN1String s ? s.getString() : "";
    }
}
