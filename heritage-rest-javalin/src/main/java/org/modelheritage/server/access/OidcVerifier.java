package org.modelheritage.server.access;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.text.ParseException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * JWT bearer tokens from an OpenID Connect issuer ({@code --oidc-issuer}), checked with Nimbus
 * JOSE+JWT: the signature against the issuer's published keys (its JWKS, found through
 * {@code /.well-known/openid-configuration} on first use, then cached and refreshed by Nimbus),
 * RSA or EC only; the issuer exactly; the audience; expiry and not-before (60 s of clock skew); a
 * subject. The role is read from a claim ({@code --oidc-role-claim}, a dotted path such as
 * {@code realm_access.roles}), a string or a list of strings; the highest of reader, contributor
 * and admin found there wins, and a JWT naming none of them authenticates with no role.
 */
public final class OidcVerifier implements JwtVerifier {
    private final String issuer;
    private final String audience;
    private final String roleClaim;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private volatile DefaultJWTProcessor<SecurityContext> processor;

    /**
     * A verifier for JWTs from one issuer for one audience. Nothing is fetched until the first JWT.
     *
     * @param issuer    the issuer's URL, exactly as its tokens' {@code iss} claim (a trailing "/" is dropped)
     * @param audience  the {@code aud} the tokens must carry: this application's client id; required
     * @param roleClaim a dotted path to the role claim; null or blank for {@code roles}
     * @throws IllegalArgumentException when {@code audience} is missing or {@code issuer} is not a URI
     * @throws NullPointerException when {@code issuer} is null
     */
    public OidcVerifier(String issuer, String audience, String roleClaim) {
        this.issuer = stripSlash(Objects.requireNonNull(issuer, "issuer"));
        if (audience == null || audience.isBlank()) {
            throw new IllegalArgumentException("--oidc-audience is required with --oidc-issuer: a JWT made for "
                    + "another application must not be accepted here");
        }
        this.audience = audience.strip();
        this.roleClaim = roleClaim == null || roleClaim.isBlank() ? "roles" : roleClaim.strip();
        URI.create(this.issuer); // fails early on a malformed URL
    }

    private static String stripSlash(String s) {
        String t = s.strip();
        return t.endsWith("/") ? t.substring(0, t.length() - 1) : t;
    }

    @Override
    public Verified verify(String jwt) {
        JWTClaimsSet claims;
        try {
            claims = processor().process(jwt, null);
        } catch (ParseException e) {
            throw new AccessDeniedException(401, "malformed JWT: " + e.getMessage());
        } catch (BadJOSEException | JOSEException e) {
            throw new AccessDeniedException(401, "JWT not accepted: " + e.getMessage());
        }
        String subject = claims.getSubject();
        if (subject.length() > 150) {
            subject = subject.substring(0, 150);
        }
        return new Verified(subject, role(claims.getClaims()));
    }

    /** The highest role named by the role claim; null when it names none. */
    Role role(Map<String, Object> claims) {
        Object value = claims;
        for (String part : roleClaim.split("\\.")) {
            value = value instanceof Map<?, ?> map ? map.get(part) : null;
        }
        Collection<?> names = value instanceof Collection<?> c ? c : value == null ? Set.of() : Set.of(value);
        Role best = null;
        for (Object name : names) {
            try {
                Role r = Role.parse(String.valueOf(name));
                if (best == null || r.includes(best)) {
                    best = r;
                }
            } catch (IllegalArgumentException e) {
                // a role of some other application: not ours
            }
        }
        return best;
    }

    private DefaultJWTProcessor<SecurityContext> processor() {
        DefaultJWTProcessor<SecurityContext> p = processor;
        if (p == null) {
            synchronized (this) {
                if (processor == null) {
                    processor = build(discoverJwks());
                }
                p = processor;
            }
        }
        return p;
    }

    private URI discoverJwks() {
        URI config = URI.create(issuer + "/.well-known/openid-configuration");
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(config).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new AccessDeniedException(401, "cannot check the JWT: " + config + " answered " + r.statusCode());
            }
            JsonNode doc = new ObjectMapper().readTree(r.body());
            if (!issuer.equals(stripSlash(doc.path("issuer").asText("")))) {
                throw new AccessDeniedException(401, "cannot check the JWT: " + config + " names issuer '"
                        + doc.path("issuer").asText() + "', not " + issuer);
            }
            String jwks = doc.path("jwks_uri").asText("");
            if (jwks.isEmpty()) {
                throw new AccessDeniedException(401, "cannot check the JWT: " + config + " has no jwks_uri");
            }
            return URI.create(jwks);
        } catch (IOException e) {
            throw new AccessDeniedException(401, "cannot check the JWT: the issuer " + issuer + " cannot be reached ("
                    + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AccessDeniedException(401, "cannot check the JWT: interrupted");
        }
    }

    private DefaultJWTProcessor<SecurityContext> build(URI jwks) {
        JWKSource<SecurityContext> keys;
        try {
            keys = JWKSourceBuilder.<SecurityContext>create(jwks.toURL()).retrying(true).build();
        } catch (java.net.MalformedURLException e) {
            throw new AccessDeniedException(401, "cannot check the JWT: bad jwks_uri " + jwks);
        }
        Set<JWSAlgorithm> algorithms = new HashSet<>(JWSAlgorithm.Family.RSA);
        algorithms.addAll(JWSAlgorithm.Family.EC);
        DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
        p.setJWSKeySelector(new JWSVerificationKeySelector<>(algorithms, keys));
        p.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(Set.of(audience),
                new JWTClaimsSet.Builder().issuer(issuer).build(), Set.of("sub", "exp", "iss", "aud"), null));
        return p;
    }
}
