package io.orch.agent.pki;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bouncy Castle loads only where a certificate is made or signed ({@link CertificateSigner}): a node
 * that joins, saves and reloads its credentials, builds its TLS contexts (gRPC's and the API's) and
 * reads its CA loads no Bouncy Castle class; signing a CSR does. Each case runs the agent's classes in
 * a class loader of its own that records every class it defines, so what this JVM loaded before
 * (this test class path holds Bouncy Castle, and other tests use it) does not count.
 */
class BouncyCastleStaysLazyTest {
    private static final RootCa CA = RootCa.create("cluster1");

    @TempDir
    Path dir;

    @Test
    void aNodeJoinsSavesReloadsAndBuildsItsTlsContextsWithoutLoadingBouncyCastle() throws Exception {
        try (RecordingLoader loader = new RecordingLoader()) {
            Object[] csr = (Object[]) loader.call("newCsr");
            String certPem = CA.issue((byte[]) csr[1], "node1", NodeRole.WORKER, List.of("127.0.0.1"));
            Method complete = loader.method("completeSaveLoadAndServe", Object.class, String.class, String.class, Path.class);
            String identity = (String) complete.invoke(null, csr[0], certPem, CA.certPem(), dir.resolve("certs"));

            assertEquals("node1 WORKER cluster1 true", identity);
            assertEquals(List.of(), loader.bouncyCastleClasses());
            assertTrue(loader.defined("io.orch.agent.pki.NodeCredentials"), "the agent's classes came from this loader");
        }
    }

    @Test
    void aManagerReadsItsCaWithoutLoadingBouncyCastleAndLoadsItWhenItSigns() throws Exception {
        try (RecordingLoader loader = new RecordingLoader()) {
            loader.method("readCa", String.class, String.class).invoke(null, CA.certPem(), CA.keyPem());
            assertEquals(List.of(), loader.bouncyCastleClasses());

            byte[] csrDer = NodeCsr.generate().csrDer();
            String signed = (String) loader.method("sign", String.class, String.class, byte[].class)
                    .invoke(null, CA.certPem(), CA.keyPem(), csrDer);
            assertTrue(signed.startsWith("-----BEGIN CERTIFICATE-----"), signed);
            assertFalse(loader.bouncyCastleClasses().isEmpty(), "signing is Bouncy Castle's work (else this test proves nothing)");
        }
    }

    /** The test class path, child-first: every class but the JDK's is defined here, and recorded. */
    private static final class RecordingLoader extends URLClassLoader {
        private final Set<String> defined = ConcurrentHashMap.newKeySet();

        RecordingLoader() throws Exception {
            super(classPath(), ClassLoader.getPlatformClassLoader());
        }

        private static URL[] classPath() throws Exception {
            List<URL> urls = new ArrayList<>();
            for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
                urls.add(new File(entry).toURI().toURL());
            }
            return urls.toArray(URL[]::new);
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            Class<?> c = super.findClass(name);
            defined.add(name);
            return c;
        }

        Object call(String name) throws Exception {
            return method(name).invoke(null);
        }

        Method method(String name, Class<?>... parameters) throws Exception {
            return loadClass(NodeAtRest.class.getName()).getMethod(name, parameters);
        }

        boolean defined(String name) {
            return defined.contains(name);
        }

        List<String> bouncyCastleClasses() {
            List<String> out = new ArrayList<>();
            for (String name : defined) {
                if (name.startsWith("org.bouncycastle.")) {
                    out.add(name);
                }
            }
            Collections.sort(out);
            return out;
        }
    }
}
