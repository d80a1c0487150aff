package io.orch.agent.pki;

import io.orch.api.certs.Der;

import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads single-valued attributes (CN, OU, O) of a certificate subject; "" when absent, repeated,
 * part of a multi-valued RDN, or not a string. Every peer's certificate is read here on every
 * handshake, so this is the JDK's DER ({@link Der}), not Bouncy Castle's X500Name.
 */
final class Subjects {
    static final String CN = "2.5.4.3";
    static final String OU = "2.5.4.11";
    static final String O = "2.5.4.10";

    private Subjects() {}

    static String cn(X509Certificate certificate) {
        return attribute(certificate, CN);
    }

    static String ou(X509Certificate certificate) {
        return attribute(certificate, OU);
    }

    static String o(X509Certificate certificate) {
        return attribute(certificate, O);
    }

    /** Name ::= SEQUENCE OF RelativeDistinguishedName (SET OF AttributeTypeAndValue {type OID, value}). */
    private static String attribute(X509Certificate certificate, String typeOid) {
        List<List<Der.Value>> matching = new ArrayList<>();
        try {
            for (Der.Value rdn : Der.decode(certificate.getSubjectX500Principal().getEncoded()).require(Der.SEQUENCE).children()) {
                List<Der.Value> attributes = rdn.require(Der.SET).children();
                for (Der.Value attribute : attributes) {
                    if (attribute.require(Der.SEQUENCE).children().get(0).oid().equals(typeOid)) {
                        matching.add(attributes);
                        break;
                    }
                }
            }
            if (matching.size() != 1 || matching.get(0).size() != 1) {
                return "";
            }
            return string(matching.get(0).get(0).children().get(1));
        } catch (RuntimeException e) {
            return ""; // the JDK parsed this name already: a part this reader does not know is no name we look for
        }
    }

    /** The directory string types certificates use; anything else (a BIT STRING, a UniversalString) is "". */
    private static String string(Der.Value value) {
        byte[] content = value.content();
        return switch (value.tag()) {
            case 0x0c -> new String(content, StandardCharsets.UTF_8); // UTF8String
            case 0x1e -> new String(content, StandardCharsets.UTF_16BE); // BMPString
            // PrintableString, IA5String, VisibleString, NumericString, and the 8-bit Teletex, Videotex,
            // Graphic and General strings, one character per byte (as Bouncy Castle read them)
            case 0x13, 0x16, 0x1a, 0x12, 0x14, 0x15, 0x19, 0x1b -> new String(content, StandardCharsets.ISO_8859_1);
            default -> "";
        };
    }
}
