package org.modelheritage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.modelheritage.server.access.OidcVerifier;

/**
 * Single sign-on: an OpenID Connect issuer served by the test itself on loopback (discovery
 * document and JWKS, its own RSA key pair), and JWTs that are good, or wrong in their signature,
 * audience, issuer or expiry, or carry no role.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OidcTest {
    static final String AUDIENCE = "model-heritage";
    HttpServer idp;
    String issuer;
    RSAKey key;
    final AtomicInteger jwksFetches = new AtomicInteger();
    TestServer s;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        key = new RSAKeyGenerator(2048).keyID("k1").generate();
        idp = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        issuer = "http://127.0.0.1:" + idp.getAddress().getPort() + "/realms/test";
        String discovery = "{\"issuer\": \"" + issuer + "\", \"jwks_uri\": \"" + issuer + "/keys\"}";
        idp.createContext("/realms/test/.well-known/openid-configuration", ex -> reply(ex, discovery));
        idp.createContext("/realms/test/keys", ex -> {
            jwksFetches.incrementAndGet();
            reply(ex, new JWKSet(key.toPublicJWK()).toString());
        });
        idp.start();
        s = new TestServer(dir.resolve("lake"), TestServer.options().withJwt(new OidcVerifier(issuer, AUDIENCE, "realm_access.roles")));
        // a token exists, so anonymous callers only read (no zero set-up)
        new org.modelheritage.server.access.Tokens(s.lake.metadata(), java.time.Clock.systemUTC())
                .create("someone", org.modelheritage.server.access.Role.READER, null, "test", "test");
    }

    static void reply(com.sun.net.httpserver.HttpExchange ex, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @AfterAll
    void stop() {
        if (s != null) {
            s.close();
        }
        if (idp != null) {
            idp.stop(0);
        }
    }

    JWTClaimsSet.Builder claims(String... roles) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().issuer(issuer).subject("alice@example.org").audience(AUDIENCE)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300)))
                .claim("realm_access", java.util.Map.of("roles", List.of(roles)));
    }

    String sign(JWTClaimsSet claims, RSAKey with) throws JOSEException {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(with.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(with));
        return jwt.serialize();
    }

    TestServer.Reply as(String jwt, String method, String path) {
        return AccessTest.send(s, method, path, jwt, null);
    }

    @Test
    void aGoodJwtActsWithTheHighestRoleItsClaimNames() throws Exception {
        String admin = sign(claims("offline_access", "reader", "admin").build(), key);
        TestServer.Reply me = as(admin, "GET", "/api/me");
        assertEquals(200, me.status(), me.body());
        assertEquals("oidc", me.json().get("kind").asText());
        assertEquals("admin", me.json().get("role").asText());
        assertEquals("alice@example.org", me.json().get("name").asText());
        assertEquals(404, as(admin, "DELETE", "/api/models/no-such-id").status(), "past access control");
        String reader = sign(claims("reader").build(), key);
        TestServer.Reply refused = as(reader, "DELETE", "/api/models/no-such-id");
        assertEquals(403, refused.status());
        assertEquals("OpenID Connect subject 'alice@example.org' has role reader; DELETE /api/models/no-such-id needs admin",
                refused.json().get("error").asText());
        TestServer.Reply none = as(sign(claims("something-else").build(), key), "GET", "/api/models");
        assertEquals(403, none.status(), "authenticated, but with no role here");
        assertTrue(none.json().get("error").asText().contains("has no role here"), none.body());
        assertEquals(1, jwksFetches.get(), "keys are fetched once and cached");
    }

    @Test
    void aJwtWrongInAnyWayIs401() throws Exception {
        RSAKey impostor = new RSAKeyGenerator(2048).keyID("k1").generate(); // same key id, other key
        Instant past = Instant.now().minusSeconds(3600);
        List<String> bad = List.of(
                sign(claims("admin").build(), impostor),
                sign(claims("admin").audience("another-app").build(), key),
                sign(claims("admin").issuer("http://127.0.0.1:1/evil").build(), key),
                sign(claims("admin").issueTime(Date.from(past)).expirationTime(Date.from(past.plusSeconds(60))).build(), key),
                sign(claims("admin").subject(null).build(), key));
        List<String> why = List.of("signature", "aud", "iss", "xpired", "sub");
        for (int i = 0; i < bad.size(); i++) {
            TestServer.Reply r = as(bad.get(i), "GET", "/api/models");
            assertEquals(401, r.status(), why.get(i) + ": " + r.body());
            String error = r.json().get("error").asText();
            assertTrue(error.startsWith("JWT not accepted") && error.contains(why.get(i)), error);
        }
        String[] parts = sign(claims("admin").build(), key).split("\\.");
        TestServer.Reply unsigned = as(parts[0] + "." + parts[1] + ".", "GET", "/api/models");
        assertEquals(401, unsigned.status(), unsigned.body());
        assertEquals(401, as("a.b.c", "GET", "/api/models").status());
    }
}
