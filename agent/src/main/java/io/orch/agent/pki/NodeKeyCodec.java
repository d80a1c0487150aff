package io.orch.agent.pki;

/**
 * How {@code node.key} holds the node's private key: the PKCS#8 PEM in clear ({@link #CLEAR}, every
 * worker, and managers without autolock), or sealed under the cluster's unlock key on an
 * autolocked manager ({@code agent/seal/NodeKeySeal}). Works on the PEM text; never puts the key
 * in an exception message.
 */
public interface NodeKeyCodec {
    /** The file's text for the clear PEM {@code clearPem}. */
    String encode(String clearPem);

    /**
     * The clear PEM in the file's text {@code stored}.
     *
     * @throws Unreadable when the text is sealed and this codec cannot open it
     */
    String decode(String stored) throws Unreadable;

    /** A node key this codec cannot open: sealed without an unlock key given, or under another one. */
    final class Unreadable extends Exception {
        public Unreadable(String message) {
            super(message);
        }
    }

    /** The key in clear; a sealed file is refused (the node is locked). */
    NodeKeyCodec CLEAR = new NodeKeyCodec() {
        @Override
        public String encode(String clearPem) {
            return clearPem;
        }

        @Override
        public String decode(String stored) throws Unreadable {
            if (SealedPem.isSealed(stored)) {
                throw new Unreadable("the node key is encrypted (autolock): unlock the manager first");
            }
            return stored;
        }
    };
}
