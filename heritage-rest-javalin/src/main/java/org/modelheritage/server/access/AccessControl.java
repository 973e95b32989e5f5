package org.modelheritage.server.access;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.security.RouteRole;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.modelheritage.store.ApiToken;

/**
 * Who may do what, checked before any handler runs. Two steps:
 *
 * <ol>
 *   <li>{@link #screen} (every request, pages included): security headers; on a loopback server a
 *       Host that does not name loopback is refused (DNS rebinding), and everywhere a state-changing
 *       request from a foreign Origin that {@code --cors-origins} does not list is refused (a web
 *       page acting for the user).</li>
 *   <li>{@link #authorize} (matched routes): the client address's rate limit, the caller from the
 *       bearer token (or anonymous), the identity's rate limit, then the route's role.</li>
 * </ol>
 *
 * Anonymous callers: on a loopback server where no token was ever created, the local user may do
 * everything (zero set-up), unless the request comes from a foreign origin; otherwise they read
 * ({@link Anonymous#READ}) or do nothing ({@link Anonymous#NONE}). A server bound beyond loopback
 * never lets them write.
 */
public final class AccessControl {
    /** The context attribute holding the {@link Caller}. */
    public static final String CALLER = "heritage.caller";

    /**
     * The pages load scripts and styles only from this server (no inline script, no eval); they set
     * style attributes (family colours, meter widths), which style-src's 'unsafe-inline' allows and
     * which cannot run code. The API's JSON is covered by the same policy.
     */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; "
            + "style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self'; "
            + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private static final Pattern BEARER = Pattern.compile("(?i)bearer +(\\S+) *");
    private static final Pattern IPV4_LOOPBACK = Pattern.compile("127(\\.\\d{1,3}){3}");

    private final Tokens tokens;
    private final boolean loopback;
    private final Anonymous anonymous;
    private final List<String> corsOrigins;
    private final RateLimiter limiter;
    private final Clock clock;
    private final JwtVerifier jwt;
    /** Where the API is mounted ("" standalone, "/heritage" say in another app). */
    private final String basePath;
    /** Once a token exists it stays so (revoked tokens are kept): cached to spare a query per request. */
    private volatile boolean tokensExist;

    /**
     * Access control for an API mounted at the root.
     *
     * @param tokens      the lake's API tokens
     * @param loopback    true when the server listens on a loopback address only
     * @param anonymous   what callers without a token may do
     * @param corsOrigins origins allowed to call from a browser ("*" for any); copied
     * @param limits      request budgets per client address and per identity
     * @param jwt         verifies OIDC JWTs; null when no issuer is configured
     * @param clock       tells tokens' expiry
     */
    public AccessControl(Tokens tokens, boolean loopback, Anonymous anonymous, List<String> corsOrigins,
                         RateLimits limits, JwtVerifier jwt, Clock clock) {
        this(tokens, loopback, anonymous, corsOrigins, limits, jwt, clock, "");
    }

    /**
     * Access control for an API mounted under a base path (a plugin in another application).
     *
     * @param tokens      the lake's API tokens
     * @param loopback    true when the server listens on a loopback address only
     * @param anonymous   what callers without a token may do
     * @param corsOrigins origins allowed to call from a browser ("*" for any); copied
     * @param limits      request budgets per client address and per identity
     * @param jwt         verifies OIDC JWTs; null when no issuer is configured
     * @param clock       tells tokens' expiry
     * @param basePath where the API is mounted: "" at the root, else "/" and a path without a trailing "/"
     */
    public AccessControl(Tokens tokens, boolean loopback, Anonymous anonymous, List<String> corsOrigins,
                         RateLimits limits, JwtVerifier jwt, Clock clock, String basePath) {
        this.basePath = basePath;
        this.tokens = tokens;
        this.loopback = loopback;
        this.anonymous = anonymous;
        this.corsOrigins = List.copyOf(corsOrigins);
        this.limiter = new RateLimiter(limits);
        this.jwt = jwt;
        this.clock = clock;
    }

    /**
     * Whether a host is loopback. Names other than {@code localhost} (and {@code *.localhost}) are
     * never resolved: they count as not loopback.
     *
     * @param host a host name or literal address, an IPv6 one with or without brackets
     * @return true for "localhost", 127.0.0.0/8 and ::1
     */
    public static boolean isLoopback(String host) {
        String h = host.strip();
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.equalsIgnoreCase("localhost") || h.toLowerCase(Locale.ROOT).endsWith(".localhost")
                || IPV4_LOOPBACK.matcher(h).matches() || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1")) {
            return true;
        }
        if (!h.matches("[0-9a-fA-F:.]+")) {
            return false; // a name: only localhost counts, nothing is resolved
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    // ================================================================== step 1: every request

    /**
     * Screens every request before any handler, pages included: sets the security headers, then
     * checks the Host (on a loopback server) and the Origin. Credentials and rate limits are
     * {@link #authorize}'s.
     *
     * @param ctx the request
     * @throws AccessDeniedException 403 for a Host that is not loopback on a loopback server, or a
     *     foreign Origin that {@code --cors-origins} does not list
     */
    public void screen(Context ctx) {
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "no-referrer");
        String host = ctx.header("Host");
        if (loopback && (host == null || !isLoopback(hostName(host)))) {
            throw new AccessDeniedException(403, "this server listens on loopback only and answers requests for "
                    + "localhost or 127.0.0.1, not for host '" + host + "'");
        }
        // With --cors-origins set, Javalin's CORS plugin marks any other origin's request 400 yet lets the
        // handler answer with its normal body: refuse it here instead, as JSON, before any handler runs.
        if (!corsOrigins.isEmpty() && !changesState(ctx) && ctx.method() != HandlerType.OPTIONS && foreignOrigin(ctx)
                && !corsAllowed(ctx.header("Origin"))) {
            throw new AccessDeniedException(403, "cross-origin request from " + ctx.header("Origin")
                    + " refused: only the origins given to --cors-origins may call this server from a web page");
        }
        if (changesState(ctx) && foreignOrigin(ctx) && !corsAllowed(ctx.header("Origin"))) {
            throw new AccessDeniedException(403, "cross-origin " + ctx.method() + " from " + ctx.header("Origin")
                    + " refused: only this server's own pages and the origins given to --cors-origins may change "
                    + "the lake");
        }
    }

    private static String hostName(String hostHeader) {
        String h = hostHeader.strip();
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end < 0 ? h : h.substring(0, end + 1);
        }
        int colon = h.lastIndexOf(':');
        return colon >= 0 && h.indexOf(':') == colon ? h.substring(0, colon) : h;
    }

    private static boolean changesState(Context ctx) {
        HandlerType m = ctx.method();
        return m != HandlerType.GET && m != HandlerType.HEAD && m != HandlerType.OPTIONS;
    }

    /** An Origin header that is not this server's own (scheme and Host as the request named them). */
    private static boolean foreignOrigin(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin == null) {
            return false;
        }
        String host = ctx.header("Host");
        return host == null || !(origin.equalsIgnoreCase("http://" + host) || origin.equalsIgnoreCase("https://" + host));
    }

    private boolean corsAllowed(String origin) {
        return corsOrigins.contains("*") || corsOrigins.stream().anyMatch(o -> o.equalsIgnoreCase(origin));
    }

    // ================================================================== step 2: matched routes

    /**
     * Checks a matched route's request: the client address's rate limit (API routes), the caller,
     * the identity's rate limit, then the route's role; stores the caller for {@link #caller}.
     *
     * @param ctx the request; CORS preflights (OPTIONS) pass untouched
     * @throws AccessDeniedException 401 for a missing or bad credential where one is needed, 403 for
     *     a role too small, 429 over a rate limit
     */
    public void authorize(Context ctx) {
        if (ctx.method() == HandlerType.OPTIONS) {
            return; // CORS preflights carry no credentials
        }
        String path = ctx.path().startsWith(basePath) ? ctx.path().substring(basePath.length()) : ctx.path();
        boolean api = path.startsWith("/api/");
        RateLimiter.Kind kind = ctx.method() == HandlerType.POST && path.equals("/api/models")
                ? RateLimiter.Kind.UPLOAD : RateLimiter.Kind.READ;
        if (api) {
            limiter.take(kind, "ip:" + ctx.ip());
        }
        Caller caller = authenticate(ctx);
        ctx.attribute(CALLER, caller);
        if (api && !caller.anonymous()) {
            limiter.take(kind, "id:" + caller.actor());
        }
        Role needed = null;
        for (RouteRole r : ctx.routeRoles()) {
            if (r instanceof Role role && (needed == null || needed.includes(role))) {
                needed = role;
            }
        }
        if (needed == null || caller.may(needed)) {
            return;
        }
        String route = ctx.method() + " " + ctx.path();
        if (caller.anonymous()) {
            throw new AccessDeniedException(401, route + " needs a token with role " + needed.label()
                    + (needed == Role.ADMIN ? "" : " or above") + ": send 'Authorization: Bearer <token>' ("
                    + (caller.role() == null ? "anonymous callers may do nothing here" : "anonymous callers may only read")
                    + ")");
        }
        String who = caller.kind().equals("oidc") ? "OpenID Connect subject '" + caller.name() + "'"
                : "token '" + caller.name() + "'";
        throw new AccessDeniedException(403, who + (caller.role() == null ? " has no role here"
                : " has role " + caller.role().label()) + "; " + route + " needs " + needed.label());
    }

    /**
     * The caller of a request: from its bearer token (an API token, or a JWT when an issuer is
     * configured), or anonymous.
     *
     * @param ctx the request
     * @return the caller; an anonymous one has the role anonymous callers get here, or none
     * @throws AccessDeniedException 401 for a malformed header or token, an unknown, revoked or
     *     expired token, or a JWT the issuer does not vouch for
     */
    public Caller authenticate(Context ctx) {
        String header = ctx.header("Authorization");
        String address = ctx.ip();
        if (header == null || header.isBlank()) {
            Role role = anonymousRole(ctx);
            return role == Role.ADMIN ? new Caller("local", null, role, "local", address)
                    : new Caller("anonymous", null, role, "anonymous", address);
        }
        var m = BEARER.matcher(header);
        if (!m.matches()) {
            throw new AccessDeniedException(401, "malformed Authorization header: expected 'Bearer <token>'");
        }
        String credential = m.group(1);
        if (Tokens.SECRET.matcher(credential).matches()) {
            ApiToken token = tokens.lookup(credential).orElseThrow(() -> new AccessDeniedException(401,
                    "unknown token: it was never issued by this server, or it was mistyped"));
            if (token.revokedAt() != null) {
                throw new AccessDeniedException(401, "token '" + token.name() + "' was revoked at " + token.revokedAt());
            }
            if (!token.validAt(clock.instant())) {
                throw new AccessDeniedException(401, "token '" + token.name() + "' expired at " + token.expiresAt());
            }
            tokensExist = true;
            return new Caller(token.id(), token.name(), Role.parse(token.role()), "token", address);
        }
        if (jwt != null && credential.chars().filter(c -> c == '.').count() == 2) {
            JwtVerifier.Verified v = jwt.verify(credential);
            return new Caller("oidc:" + v.subject(), v.subject(), v.role(), "oidc", address);
        }
        throw new AccessDeniedException(401, "malformed token: expected an API token (mh_ and 43 characters)"
                + (jwt != null ? " or a JWT from the configured OpenID Connect issuer" : ""));
    }

    private Role anonymousRole(Context ctx) {
        if (loopback && !tokensExist() && !foreignOrigin(ctx)) {
            return Role.ADMIN;
        }
        return anonymous == Anonymous.READ ? Role.READER : null;
    }

    private boolean tokensExist() {
        if (!tokensExist && tokens.anyEverCreated()) {
            tokensExist = true;
        }
        return tokensExist;
    }

    /**
     * The caller a handler runs for.
     *
     * @param ctx the request
     * @return the caller {@link #authorize} stored, or empty when it did not run (a page, a preflight)
     */
    public static Optional<Caller> caller(Context ctx) {
        return Optional.ofNullable(ctx.attribute(CALLER));
    }
}
