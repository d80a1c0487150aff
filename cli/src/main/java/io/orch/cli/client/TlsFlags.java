package io.orch.cli.client;

import java.nio.file.Path;

/**
 * The CLI's TLS flags as the docker CLI reads them: {@code --tlsverify} (or DOCKER_TLS_VERIFY set)
 * turns TLS on; each of {@code --tlscacert}, {@code --tlscert}, {@code --tlskey} defaults to
 * {@code ca.pem}, {@code cert.pem}, {@code key.pem} in DOCKER_CERT_PATH, else in ~/.docker. A
 * file flag without {@code --tlsverify} is refused rather than ignored (orch has no TLS mode
 * without verifying the agent), as is TLS to a unix socket.
 *
 * @param verify {@code --tlsverify} or DOCKER_TLS_VERIFY
 */
public record TlsFlags(boolean verify, Path caFile, Path certFile, Path keyFile) {
    /**
     * @param certPathEnv DOCKER_CERT_PATH, or null
     * @param home        the user's home, for ~/.docker
     * @return the TLS to use, or null for none
     * @throws IllegalArgumentException one line naming the flag
     */
    public ClientTls resolve(HostAddress address, String certPathEnv, String home) {
        if (!verify) {
            String given = caFile != null ? "--tlscacert" : certFile != null ? "--tlscert" : keyFile != null ? "--tlskey" : null;
            if (given != null) {
                throw new IllegalArgumentException(given + " needs --tlsverify (or DOCKER_TLS_VERIFY=1)");
            }
            return null;
        }
        if (address.scheme() != HostAddress.Scheme.TCP) {
            throw new IllegalArgumentException("--tlsverify applies to tcp:// hosts, not " + address);
        }
        Path dir = certPathEnv != null && !certPathEnv.isBlank() ? Path.of(certPathEnv)
                : Path.of(home == null ? System.getProperty("user.home") : home, ".docker");
        return ClientTls.of(caFile != null ? caFile : dir.resolve("ca.pem"),
                certFile != null ? certFile : dir.resolve("cert.pem"),
                keyFile != null ? keyFile : dir.resolve("key.pem"));
    }
}
