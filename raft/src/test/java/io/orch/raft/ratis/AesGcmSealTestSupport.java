package io.orch.raft.ratis;

/** Byte search for the on-disk scans. */
final class AesGcmSealTestSupport {
    private AesGcmSealTestSupport() {
    }

    static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
