package io.orch.agent.api;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a browser sends is refused; what the docker CLI and orch's clients send is not. */
class CrossSiteRulesTest {
    private static HttpHeaders headers(String... nameValues) {
        HttpHeaders h = new DefaultHttpHeaders();
        for (int i = 0; i < nameValues.length; i += 2) {
            h.add(nameValues[i], nameValues[i + 1]);
        }
        return h;
    }

    @Test
    void whatTheDockerCliSendsPasses() {
        assertEquals(Optional.empty(), CrossSiteRules.refusal(headers("Host", "127.0.0.1:2375",
                "Content-Type", "application/json", "Content-Length", "42"), true));
        assertEquals(Optional.empty(), CrossSiteRules.refusal(headers("Host", "api.moby.localhost"), false));
        assertEquals(Optional.empty(), CrossSiteRules.refusal(headers("Host", "localhost:2375",
                "Content-Type", "application/x-tar", "Transfer-Encoding", "chunked"), true), "docker load");
        assertEquals(Optional.empty(), CrossSiteRules.refusal(headers("Host", "[::1]:2375", "Content-Length", "0"), true),
                "a POST without a body needs no Content-Type");
    }

    @Test
    void aBodyAPageCouldSendWithoutAPreflightIsRefusedAsDockerDoes() {
        for (String type : new String[] {"text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=x"}) {
            Optional<String> r = CrossSiteRules.refusal(headers("Host", "127.0.0.1:2375", "Content-Type", type,
                    "Content-Length", "10"), true);
            assertTrue(r.isPresent(), type);
            assertTrue(r.get().startsWith("Content-Type specified (") && r.get().endsWith(") must be 'application/json'"), r.get());
        }
        assertEquals(Optional.of("Content-Type specified () must be 'application/json'"),
                CrossSiteRules.refusal(headers("Host", "127.0.0.1:2375", "Content-Length", "10"), true));
    }

    @Test
    void aForeignOriginOrFetchSiteIsRefused() {
        assertEquals(Optional.of("cross-origin request refused (Origin: http://evil.example)"), CrossSiteRules.refusal(
                headers("Host", "127.0.0.1:2375", "Origin", "http://evil.example", "Content-Type", "application/json"), true));
        assertEquals(Optional.of("cross-origin request refused (Origin: null)"),
                CrossSiteRules.refusal(headers("Host", "127.0.0.1:2375", "Origin", "null"), true));
        assertEquals(Optional.of("cross-site request refused (Sec-Fetch-Site: cross-site)"),
                CrossSiteRules.refusal(headers("Host", "127.0.0.1:2375", "Sec-Fetch-Site", "cross-site"), true));
        assertTrue(CrossSiteRules.refusal(headers("Host", "localhost:2375", "Sec-Fetch-Site", "same-site"), true).isPresent(),
                "another port of localhost is the same site, not the same origin");
        assertEquals(Optional.empty(), CrossSiteRules.refusal(headers("Host", "127.0.0.1:2375",
                "Origin", "http://127.0.0.1:2375", "Sec-Fetch-Site", "same-origin"), true), "the API's own origin");
        assertTrue(CrossSiteRules.refusal(headers("Host", "api.moby.localhost", "Origin", "http://evil.example"), false).isPresent(),
                "the unix socket too");
    }

    @Test
    void onPlainTcpTheHostMustNameLoopback() {
        Optional<String> rebound = CrossSiteRules.refusal(headers("Host", "evil.example:2375"), true);
        assertEquals(Optional.of("Host header 'evil.example:2375' does not name this API's loopback address"), rebound);
        assertTrue(CrossSiteRules.refusal(headers(), true).isPresent(), "no Host at all");
        assertTrue(CrossSiteRules.refusal(headers("Host", "10.0.0.1:2375"), true).isPresent());
        assertFalse(CrossSiteRules.refusal(headers("Host", "evil.example"), false).isPresent(), "not checked on the unix socket");
        assertTrue(CrossSiteRules.loopbackHost("127.0.0.2"));
        assertTrue(CrossSiteRules.loopbackHost("LOCALHOST:80"));
        assertTrue(CrossSiteRules.loopbackHost("[::1]"));
        assertFalse(CrossSiteRules.loopbackHost("[::1"));
        assertFalse(CrossSiteRules.loopbackHost("127.0.0.1.evil.example"));
        assertFalse(CrossSiteRules.loopbackHost("localhost.evil.example"));
    }

    @Test
    void headerValuesInTheMessageAreBoundedAndPrintable() {
        String r = CrossSiteRules.refusal(headers("Host", "127.0.0.1", "Origin", "http://x\t" + "y".repeat(500)), true)
                .orElseThrow();
        assertFalse(r.contains("\t"));
        assertTrue(r.length() < 200, r);
    }
}
