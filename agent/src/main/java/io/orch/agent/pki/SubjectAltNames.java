package io.orch.agent.pki;

import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.util.IPAddress;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A node certificate's subjectAltName: the caller's IPs and DNS names, then the node id and the role.
 * Bouncy Castle: only {@link CertificateSigner} calls this, when it signs.
 */
final class SubjectAltNames {
    private static final Pattern DNS_NAME =
            Pattern.compile("(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");

    private SubjectAltNames() {}

    /** @throws IllegalArgumentException naming the first entry that is neither an IP address nor a DNS name */
    static GeneralNames of(List<String> ipOrDnsNames, String nodeId, String roleName) {
        Set<String> all = new LinkedHashSet<>();
        if (ipOrDnsNames != null) {
            for (String s : ipOrDnsNames) {
                all.add(s == null ? "" : s.trim());
            }
        }
        all.add(nodeId);
        all.add(roleName);
        List<GeneralName> names = new ArrayList<>();
        for (String s : all) {
            String bare = s.startsWith("[") && s.endsWith("]") ? s.substring(1, s.length() - 1) : s;
            if (IPAddress.isValid(bare)) {
                names.add(new GeneralName(GeneralName.iPAddress, bare));
            } else if (DNS_NAME.matcher(s).matches()) {
                names.add(new GeneralName(GeneralName.dNSName, s));
            } else {
                throw new IllegalArgumentException("invalid subject alternative name \"" + s + "\": expected an IP address or a DNS name");
            }
        }
        return new GeneralNames(names.toArray(GeneralName[]::new));
    }
}
