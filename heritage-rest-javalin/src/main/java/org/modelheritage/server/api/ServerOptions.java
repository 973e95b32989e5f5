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

    /**
     * Checks the components and copies the origins.
     *
     * @param host             not null
     * @param port             the TCP port, 0 for a free one; not checked here (the server refuses a bad one when it starts)
     * @param corsOrigins      not null; copied
     * @param anonymous        not null
     * @param rateLimits       not null
     * @param jwt              a verifier, or null
     * @param connectionLimits not null
     * @throws NullPointerException when a component other than {@code jwt} is null
     */
    public ServerOptions {
        Objects.requireNonNull(host, "host");
        corsOrigins = List.copyOf(corsOrigins);
        Objects.requireNonNull(anonymous, "anonymous");
        Objects.requireNonNull(rateLimits, "rateLimits");
        Objects.requireNonNull(connectionLimits, "connectionLimits");
    }

    /**
     * Options with the default connection limits.
     *
     * @param host        the interface to bind, not null
     * @param port        the TCP port; 0 picks a free one
     * @param corsOrigins the origins allowed to call from a browser; copied
     * @param anonymous   what callers without a token may do, not null
     * @param rateLimits  request budgets, not null
     * @param jwt         the OpenID Connect verifier, or null for none
     * @throws NullPointerException when a required argument is null
     */
    public ServerOptions(String host, int port, List<String> corsOrigins, Anonymous anonymous, RateLimits rateLimits,
                         JwtVerifier jwt) {
        this(host, port, corsOrigins, anonymous, rateLimits, jwt, ConnectionLimits.defaults());
    }

    /**
     * Options where anonymous callers read, with the default rate and connection limits and no OIDC.
     *
     * @param host        the interface to bind, not null
     * @param port        the TCP port; 0 picks a free one
     * @param corsOrigins the origins allowed to call from a browser; copied
     * @throws NullPointerException when an argument is null
     */
    public ServerOptions(String host, int port, List<String> corsOrigins) {
        this(host, port, corsOrigins, Anonymous.READ, RateLimits.defaults(), null);
    }

    /** {@return loopback only, on a free port, no CORS, default access settings: what tests start from} */
    public static ServerOptions ephemeral() {
        return new ServerOptions(DEFAULT_HOST, 0, List.of());
    }

    /**
     * These options with another listening address.
     *
     * @param host the interface to bind: "127.0.0.1" for loopback only, "0.0.0.0" for every interface
     * @return new options; these are unchanged
     */
    public ServerOptions withHost(String host) {
        return new ServerOptions(host, port, corsOrigins, anonymous, rateLimits, jwt, connectionLimits);
    }

    /**
     * These options with the origins allowed to call the API from their pages.
     *
     * @param origins origins such as {@code https://app.example.com}; "*" for any; empty for none
     * @return new options; these are unchanged
     */
    public ServerOptions withCorsOrigins(List<String> origins) {
        return new ServerOptions(host, port, origins, anonymous, rateLimits, jwt, connectionLimits);
    }

    /**
     * These options with what callers without a credential may do.
     *
     * @param anonymous {@link Anonymous#NONE} or {@link Anonymous#READ}; never write beyond loopback
     * @return new options; these are unchanged
     */
    public ServerOptions withAnonymous(Anonymous anonymous) {
        return new ServerOptions(host, port, corsOrigins, anonymous, rateLimits, jwt, connectionLimits);
    }

    /**
     * These options with other rate limits.
     *
     * @param rateLimits request budgets per identity and per client address, not null
     * @return new options; these are unchanged
     */
    public ServerOptions withRateLimits(RateLimits rateLimits) {
        return new ServerOptions(host, port, corsOrigins, anonymous, rateLimits, jwt, connectionLimits);
    }

    /**
     * These options, also accepting OpenID Connect JWTs.
     *
     * @param jwt the verifier of the issuer's tokens, or null to accept API tokens only
     * @return new options; these are unchanged
     */
    public ServerOptions withJwt(JwtVerifier jwt) {
        return new ServerOptions(host, port, corsOrigins, anonymous, rateLimits, jwt, connectionLimits);
    }

    /**
     * These options with other connection limits.
     *
     * @param limits idle timeout, minimum request data rate and concurrent uploads, not null
     * @return new options; these are unchanged
     */
    public ServerOptions withConnectionLimits(ConnectionLimits limits) {
        return new ServerOptions(host, port, corsOrigins, anonymous, rateLimits, jwt, limits);
    }
}
