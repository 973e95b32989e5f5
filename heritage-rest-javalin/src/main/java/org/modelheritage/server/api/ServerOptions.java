package org.modelheritage.server.api;

import java.util.List;
import java.util.Objects;
import org.modelheritage.server.access.Anonymous;
import org.modelheritage.server.access.JwtVerifier;
import org.modelheritage.server.access.RateLimits;

/**
 * How the HTTP server listens, whom it lets call it from a browser, and what callers without a
 * token may do.
 *
 * @param host        interface to bind: "127.0.0.1" (the default) for loopback only, "0.0.0.0" for all
 * @param port        TCP port; 0 picks a free one (tests)
 * @param corsOrigins origins allowed to call the API from a browser; "*" allows any; empty: none
 * @param anonymous   what callers without a token may do (never write beyond loopback)
 * @param rateLimits  request budgets per identity and per client address
 * @param jwt         verifies OpenID Connect JWTs; null when no issuer is configured
 * @param connectionLimits idle timeout, minimum request data rate, concurrent uploads
 */
public record ServerOptions(String host, int port, List<String> corsOrigins, Anonymous anonymous,
                            RateLimits rateLimits, JwtVerifier jwt, ConnectionLimits connectionLimits) {
    /** Default port: 5001. */
    public static final int DEFAULT_PORT = 5001;
    /** Default host: loopback only. */
    public static final String DEFAULT_HOST = "127.0.0.1";

    /** Validates the components. */
    public ServerOptions {
        Objects.requireNonNull(host, "host");
        corsOrigins = List.copyOf(corsOrigins);
        Objects.requireNonNull(anonymous, "anonymous");
        Objects.requireNonNull(rateLimits, "rateLimits");
        Objects.requireNonNull(connectionLimits, "connectionLimits");
    }

    /** With the default connection limits. */
    public ServerOptions(String host, int port, List<String> corsOrigins, Anonymous anonymous, RateLimits rateLimits,
                         JwtVerifier jwt) {
        this(host, port, corsOrigins, anonymous, rateLimits, jwt, ConnectionLimits.defaults());
    }

    /** Anonymous callers read; default rate limits; no OIDC. */
    public ServerOptions(String host, int port, List<String> corsOrigins) {
        this(host, port, corsOrigins, Anonymous.READ, RateLimits.defaults(), null);
    }

    /** Loopback only, on a free port, no CORS, default access settings: what tests start from. */
    public static ServerOptions ephemeral() {
        return new ServerOptions(DEFAULT_HOST, 0, List.of());
    }

    /** These options with another listening address. */
    public ServerOptions withHost(String host) {
        return new ServerOptions(host, port, corsOrigins, anonymous, rateLimits, jwt, connectionLimits);
    }

    /** These options with the origins allowed to call the API from their pages. */
    public ServerOptions withCorsOrigins(List<String> origins) {
        return new ServerOptions(host, port, origins, anonymous, rateLimits, jwt, connectionLimits);
    }

    /** These options with what callers without a credential may do. */
    public ServerOptions withAnonymous(Anonymous anonymous) {
        return new ServerOptions(host, port, corsOrigins, anonymous, rateLimits, jwt, connectionLimits);
    }

    /** These options with other rate limits. */
    public ServerOptions withRateLimits(RateLimits rateLimits) {
        return new ServerOptions(host, port, corsOrigins, anonymous, rateLimits, jwt, connectionLimits);
    }

    /** These options, also accepting JWTs verified by {@code jwt}. */
    public ServerOptions withJwt(JwtVerifier jwt) {
        return new ServerOptions(host, port, corsOrigins, anonymous, rateLimits, jwt, connectionLimits);
    }

    /** These options with other connection limits (idle timeout, minimum data rate, concurrent uploads). */
    public ServerOptions withConnectionLimits(ConnectionLimits limits) {
        return new ServerOptions(host, port, corsOrigins, anonymous, rateLimits, jwt, limits);
    }
}
