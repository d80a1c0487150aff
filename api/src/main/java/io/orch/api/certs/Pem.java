package io.orch.api.certs;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** PEM (RFC 7468) blocks: reading every block of a file, writing one with 64-character lines. */
public final class Pem {
    private static final String BEGIN = "-----BEGIN ";
    private static final String END = "-----END ";
    private static final String DASHES = "-----";

    private Pem() {}

    /**
     * One block. {@code headers} is true when the block carries RFC 1421 headers
     * ("Proc-Type: 4,ENCRYPTED", as an encrypted PKCS#1 key does): its body is then not plain DER.
     */
    public record Block(String type, byte[] der, boolean headers) {
        public Block {
            der = der.clone();
        }

        @Override
        public String toString() {
            return "Pem.Block[" + type + "]"; // never the content: it may be a key
        }
    }

    public static String write(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        return BEGIN + type + DASHES + "\n" + body + "\n" + END + type + DASHES + "\n";
    }

    /**
     * Every block of {@code text}, in order; text between blocks is skipped, as openssl does.
     *
     * @throws IllegalArgumentException a block without its END line, or whose body is not Base64
     */
    public static List<Block> read(String text) {
        List<Block> blocks = new ArrayList<>();
        int at = 0;
        while (true) {
            int begin = text.indexOf(BEGIN, at);
            if (begin < 0) {
                return blocks;
            }
            int typeEnd = text.indexOf(DASHES, begin + BEGIN.length());
            if (typeEnd < 0) {
                throw new IllegalArgumentException("PEM: a BEGIN line without its dashes");
            }
            String type = text.substring(begin + BEGIN.length(), typeEnd);
            String endLine = END + type + DASHES;
            int bodyStart = typeEnd + DASHES.length();
            int end = text.indexOf(endLine, bodyStart);
            if (end < 0) {
                throw new IllegalArgumentException("PEM: no END line for " + type);
            }
            String body = text.substring(bodyStart, end);
            boolean headers = body.contains(":");
            byte[] der;
            try {
                der = headers ? new byte[0] : Base64.getMimeDecoder().decode(body.strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("PEM: the body of " + type + " is not Base64");
            }
            blocks.add(new Block(type, der, headers));
            at = end + endLine.length();
        }
    }
}
