package org.modelheritage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.modelheritage.lake.LakeOptions;
import org.modelheritage.server.access.AccessControl;
import org.modelheritage.server.access.Anonymous;
import org.modelheritage.server.access.RateLimits;
import org.modelheritage.server.access.Role;
import org.modelheritage.server.access.Tokens;
import org.modelheritage.store.ApiToken;
import org.modelheritage.store.ChangeSet;

/**
 * Who may do what (#14), over real HTTP: every route for every kind of caller, the loopback
 * defaults, Host and Origin checks, security headers, CORS, rate limits and the audit trail.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessTest {
    @TempDir
    static Path dir;
    TestServer s;
    final Map<String, String> secrets = new LinkedHashMap<>();
    String modelId;

    /** One route of the table: what it needs, and what it answers a caller who may call it. */
    record Route(String method, String path, Role needs, int allowed) {
        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    static final String UNKNOWN = "no-such-id";

    List<Route> routes() {
        return List.of(
                new Route("GET", "/health", null, 200),
                new Route("GET", "/health/live", null, 200),
                new Route("GET", "/health/ready", null, 200),
                new Route("GET", "/metrics", Role.READER, 200),
                new Route("GET", "/openapi.json", null, 200),
                new Route("GET", "/api/me", null, 200),
                new Route("GET", "/api/models", Role.READER, 200),
                new Route("POST", "/api/models", Role.CONTRIBUTOR, 201),
                new Route("GET", "/api/models/" + modelId, Role.READER, 200),
                new Route("DELETE", "/api/models/" + UNKNOWN, Role.ADMIN, 404),
                new Route("GET", "/api/families", Role.READER, 200),
                new Route("GET", "/api/families/" + UNKNOWN + "/models", Role.READER, 404),
                new Route("GET", "/api/families/" + UNKNOWN + "/tree", Role.READER, 404),
                new Route("GET", "/api/families/" + UNKNOWN + "/tree.graphml", Role.READER, 404),
                new Route("GET", "/api/families/" + UNKNOWN + "/tree.dot", Role.READER, 404),
                new Route("GET", "/api/stats", Role.READER, 200),
                new Route("GET", "/api/stats/charts", Role.READER, 200),
                new Route("POST", "/api/identify", Role.READER, 200),
                new Route("GET", "/api/compare?a=" + modelId + "&b=" + modelId, Role.READER, 200),
                new Route("GET", "/api/tokens", Role.ADMIN, 200),
                new Route("POST", "/api/tokens", Role.ADMIN, 201),
                new Route("DELETE", "/api/tokens/" + UNKNOWN, Role.ADMIN, 404),
                new Route("GET", "/api/audit", Role.ADMIN, 200));
    }

    @BeforeAll
    void start() throws IOException {
        s = new TestServer(dir.resolve("lake"));
        Tokens tokens = new Tokens(s.lake.metadata(), Clock.systemUTC());
        for (Role r : Role.values()) {
            secrets.put(r.label(), tokens.create(r.label() + "-token", r, null, "test", "test").secret());
        }
        Tokens.Issued revoked = tokens.create("revoked-token", Role.ADMIN, null, "test", "test");
        tokens.revoke(revoked.token().id(), "test", "test");
        secrets.put("revoked", revoked.secret());
        // expired a second ago: made straight in the store, since an expiry must lie in the future
        String expired = "mh_" + "e".repeat(43);
        s.lake.metadata().apply(ChangeSet.builder().putToken(new ApiToken("tok-expired", "expired-token", "admin",
                sha256Hex(expired), Instant.now().minusSeconds(7200), Instant.now().minusSeconds(1), null, "test")).build());
        secrets.put("expired", expired);
        secrets.put("forged", "mh_" + "f".repeat(43)); // well formed, never issued
        secrets.put("malformed", "not a token");
        TestServer.Reply up = send("POST", "/api/models", secrets.get("admin"), null);
        assertEquals(201, up.status(), up.body());
        modelId = up.json().get("id").asText();
    }

    @AfterAll
    void stop() {
        s.close();
    }

    static String sha256Hex(String text) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.US_ASCII)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final AtomicLong UPLOADS = new AtomicLong(100);

    /** A request as a caller: token null for anonymous; "malformed" sends a header that is not Bearer. */
    TestServer.Reply send(String method, String path, String token, Map<String, String> headers) {
        return send(s, method, path, token, headers);
    }

    static TestServer.Reply send(TestServer server, String method, String path, String token, Map<String, String> headers) {
        HttpRequest.Builder b;
        if (method.equals("POST") && path.equals("/api/identify")) {
            byte[] bytes = TestWeights.safetensors(TestWeights.random(2, 8, 1));
            b = new Multipart().file("m.safetensors", bytes).post(server.uri(path));
        } else if (method.equals("POST") && path.equals("/api/models")) {
            byte[] bytes = TestWeights.safetensors(TestWeights.random(2, 8, UPLOADS.incrementAndGet()));
            b = new Multipart().field("name", "upload-" + UPLOADS.get()).file("m.safetensors", bytes)
                    .post(server.uri(path));
        } else if (method.equals("POST")) {
            b = HttpRequest.newBuilder(server.uri(path)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"made-by-test\", \"role\": \"reader\", \"expires\": \"1d\"}"));
        } else {
            b = HttpRequest.newBuilder(server.uri(path)).method(method, HttpRequest.BodyPublishers.noBody());
        }
        if (token != null) {
            b.header("Authorization", token.equals("not a token") ? "Basic dXNlcjpwYXNz" : "Bearer " + token);
        }
        if (headers != null) {
            headers.forEach(b::header);
        }
        return server.send(b);
    }

    @Test
    void everyRouteAnswersEveryCallerAsDocumented() {
        Set<String> covered = new HashSet<>();
        List<String> wrong = new ArrayList<>();
        for (Route route : routes()) {
            covered.add(route.method() + " " + route.path().replace(modelId, "{id}").replace(UNKNOWN, "{id}")
                    .replaceAll("\\?.*", ""));
            Map<String, Integer> expected = new LinkedHashMap<>();
            // loopback with tokens made and --anonymous read (the default): anonymous callers read
            expected.put("anonymous", route.needs() == null || route.needs() == Role.READER ? route.allowed() : 401);
            for (Role r : Role.values()) {
                expected.put(r.label(), route.needs() == null || r.includes(route.needs()) ? route.allowed() : 403);
            }
            for (String bad : List.of("revoked", "expired", "forged", "malformed")) {
                expected.put(bad, 401); // a bad credential is refused everywhere, public routes included
            }
            expected.forEach((caller, status) -> {
                TestServer.Reply r = send(route.method(), route.path(), secrets.get(caller), null);
                if (r.status() != status) {
                    wrong.add(route + " as " + caller + ": " + r.status() + " (expected " + status + ") " + r.body());
                } else if (status == 401 || status == 403) {
                    if (r.json() == null || r.json().path("error").asText().isEmpty()) {
                        wrong.add(route + " as " + caller + ": no {\"error\"} body: " + r.body());
                    }
                }
            });
        }
        assertEquals(List.of(), wrong);
        Set<String> served = new HashSet<>(s.server.routes());
        assertEquals(served, covered, "the table covers exactly the app's routes");
    }

    @Test
    void refusalsSayWhatIsMissing() {
        JsonNode anon = send("DELETE", "/api/models/x", null, null).json();
        assertTrue(anon.get("error").asText().contains("needs a token with role admin"), anon.toString());
        JsonNode reader = send("POST", "/api/models", secrets.get("reader"), null).json();
        assertEquals("token 'reader-token' has role reader; POST /api/models needs contributor",
                reader.get("error").asText());
        assertTrue(send("GET", "/api/stats", secrets.get("revoked"), null).json().get("error").asText()
                .contains("was revoked"));
        assertTrue(send("GET", "/api/stats", secrets.get("expired"), null).json().get("error").asText()
                .contains("expired"));
        assertTrue(send("GET", "/api/stats", secrets.get("forged"), null).json().get("error").asText()
                .contains("unknown token"));
        TestServer.Reply malformed = send("GET", "/api/stats", "not a token", null);
        assertTrue(malformed.json().get("error").asText().contains("malformed Authorization header"));
        assertEquals("Bearer", malformed.header("WWW-Authenticate"));
    }

    @Test
    void meTellsThePagesWhoIsCalling() {
        JsonNode me = send("GET", "/api/me", secrets.get("contributor"), null).json();
        assertEquals("token", me.get("kind").asText());
        assertEquals("contributor", me.get("role").asText());
        assertEquals("contributor-token", me.get("name").asText());
        assertTrue(me.get("can_upload").asBoolean());
        assertFalse(me.get("can_admin").asBoolean());
        JsonNode anon = send("GET", "/api/me", null, null).json();
        assertEquals("anonymous", anon.get("kind").asText());
        assertEquals("reader", anon.get("role").asText());
    }

    @Test
    void tokensMadeThroughTheApiAreShownOnceAndWorkUntilRevoked() {
        TestServer.Reply made = send("POST", "/api/tokens", secrets.get("admin"), null);
        assertEquals(201, made.status(), made.body());
        String secret = made.json().get("secret").asText();
        String id = made.json().get("token").get("id").asText();
        assertTrue(Tokens.SECRET.matcher(secret).matches());
        assertEquals("reader", made.json().get("token").get("role").asText());
        assertNotNull(made.json().get("token").get("expires_at").textValue());
        assertEquals(200, send("GET", "/api/stats", secret, null).status());
        TestServer.Reply list = send("GET", "/api/tokens", secrets.get("admin"), null);
        assertFalse(list.body().contains(secret), "listings never carry secrets");
        assertFalse(list.body().contains(sha256Hex(secret)), "nor their hashes");
        assertEquals(204, send("DELETE", "/api/tokens/" + id, secrets.get("admin"), null).status());
        assertEquals(401, send("GET", "/api/stats", secret, null).status());
        TestServer.Reply bad = s.send(HttpRequest.newBuilder(s.uri("/api/tokens"))
                .header("Authorization", "Bearer " + secrets.get("admin"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"x\", \"role\": \"emperor\"}")));
        assertEquals(400, bad.status());
        assertTrue(bad.json().get("error").asText().contains("unknown role"));
    }

    @Test
    void pagesAndApiSendSecurityHeaders() {
        for (String path : List.of("/", "/models.html", "/js/api.js", "/api/stats", "/api/nothing-here", "/health")) {
            TestServer.Reply r = send("GET", path, null, null);
            assertEquals("nosniff", r.header("X-Content-Type-Options"), path);
            String csp = r.header("Content-Security-Policy");
            assertNotNull(csp, path);
            assertTrue(csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'")
                    && !csp.contains("script-src 'self' 'unsafe-inline'"), csp);
            assertEquals("no-referrer", r.header("Referrer-Policy"), path);
        }
        TestServer.Reply refused = send("DELETE", "/api/models/x", null, null);
        assertEquals("nosniff", refused.header("X-Content-Type-Options"), "refusals too");
    }

    @Test
    void pagesHaveNoInlineScript() throws IOException {
        for (String page : List.of("index.html", "models.html", "model.html", "family.html", "add.html", "signin.html")) {
            try (InputStream in = getClass().getResourceAsStream("/public/" + page)) {
                assertNotNull(in, page);
                String html = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                assertFalse(html.matches("(?s).*<script(?![^>]*\\bsrc=)[^>]*>.*"), page + " has an inline script");
                assertFalse(html.matches("(?s).*\\son[a-z]+=\".*"), page + " has an inline event handler");
            }
        }
    }

    /** A raw HTTP/1.1 request: Java's client will not send a Host header of our choosing. */
    static String raw(int port, String localAddress, String request) throws IOException {
        try (Socket socket = new Socket()) {
            if (localAddress != null) {
                socket.bind(new InetSocketAddress(InetAddress.getByName(localAddress), 0));
            }
            socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aLoopbackServerAnswersOnlyForLoopbackHostNames() throws IOException {
        int port = s.server.port();
        String rebound = raw(port, null, "GET /api/stats HTTP/1.1\r\nHost: evil.example:" + port + "\r\nConnection: close\r\n\r\n");
        assertTrue(rebound.startsWith("HTTP/1.1 403"), rebound);
        assertTrue(rebound.contains("\"error\"") && rebound.contains("evil.example"), rebound);
        assertTrue(raw(port, null, "GET / HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n")
                .startsWith("HTTP/1.1 403"), "pages too");
        for (String host : List.of("localhost:" + port, "127.0.0.1:" + port, "[::1]:" + port, "localhost")) {
            String ok = raw(port, null, "GET /api/stats HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
            assertTrue(ok.startsWith("HTTP/1.1 200"), host + ": " + ok);
        }
    }

    @Test
    void foreignOriginsCannotChangeTheLake() {
        String admin = secrets.get("admin");
        TestServer.Reply foreign = send("DELETE", "/api/models/" + UNKNOWN, admin, Map.of("Origin", "http://evil.example"));
        assertEquals(403, foreign.status());
        assertTrue(foreign.json().get("error").asText().contains("cross-origin DELETE from http://evil.example"));
        assertEquals(403, send("POST", "/api/tokens", admin, Map.of("Origin", "null")).status());
        TestServer.Reply same = send("DELETE", "/api/models/" + UNKNOWN, admin,
                Map.of("Origin", "http://127.0.0.1:" + s.server.port()));
        assertEquals(404, same.status(), "the server's own pages may");
        assertEquals(200, send("GET", "/api/stats", null, Map.of("Origin", "http://evil.example")).status(),
                "reads are not state-changing (and without CORS the page cannot read the answer)");
    }

    @Test
    void zeroSetUpLetsTheLocalUserDoEverythingUntilATokenExists(@TempDir Path other) throws IOException {
        try (TestServer fresh = new TestServer(other.resolve("lake"))) {
            assertEquals(404, send(fresh, "DELETE", "/api/models/" + UNKNOWN, null, null).status(), "no token needed");
            assertEquals("admin", send(fresh, "GET", "/api/me", null, null).json().get("role").asText());
            assertEquals("local", send(fresh, "GET", "/api/me", null, null).json().get("kind").asText());
            TestServer.Reply fromPage = send(fresh, "DELETE", "/api/models/" + UNKNOWN, null,
                    Map.of("Origin", "http://evil.example"));
            assertEquals(403, fromPage.status(), "no web page acts for the local user");
            TestServer.Reply made = send(fresh, "POST", "/api/tokens", null, null);
            assertEquals(201, made.status(), made.body());
            TestServer.Reply after = send(fresh, "DELETE", "/api/models/" + UNKNOWN, null, null);
            assertEquals(401, after.status(), "the first token ends the zero set-up");
            assertEquals(200, send(fresh, "GET", "/api/models", null, null).status());
        }
    }

    @Test
    void anonymousNoneReadsNothing(@TempDir Path other) throws IOException {
        try (TestServer closed = new TestServer(other.resolve("lake"), TestServer.options().withAnonymous(Anonymous.NONE))) {
            new Tokens(closed.lake.metadata(), Clock.systemUTC()).create("r", Role.READER, null, "test", "test");
            TestServer.Reply r = send(closed, "GET", "/api/models", null, null);
            assertEquals(401, r.status());
            assertTrue(r.json().get("error").asText().contains("anonymous callers may do nothing here"), r.body());
            assertEquals(200, send(closed, "GET", "/health", null, null).status());
            assertEquals(200, send(closed, "GET", "/models.html", null, null).status(), "pages load, to sign in");
        }
    }

    @Test
    void aServerBeyondLoopbackNeverLetsAnonymousCallersWrite(@TempDir Path other) throws IOException {
        assertFalse(AccessControl.isLoopback("0.0.0.0"));
        assertTrue(AccessControl.isLoopback("127.0.0.1") && AccessControl.isLoopback("::1")
                && AccessControl.isLoopback("localhost"));
        try (TestServer exposed = new TestServer(other.resolve("lake"), TestServer.options().withHost("0.0.0.0"))) {
            // no token exists: on loopback this would be the zero set-up; here anonymous callers only read
            TestServer.Reply r = send(exposed, "DELETE", "/api/models/" + UNKNOWN, null, null);
            assertEquals(401, r.status(), r.body());
            assertEquals(401, send(exposed, "POST", "/api/models", null, null).status());
            assertEquals(200, send(exposed, "GET", "/api/models", null, null).status());
            assertEquals("reader", send(exposed, "GET", "/api/me", null, null).json().get("role").asText());
        }
    }

    @Test
    void corsAnswersOnlyConfiguredOrigins(@TempDir Path other) throws IOException {
        try (TestServer cors = new TestServer(other.resolve("lake"),
                TestServer.options().withCorsOrigins(List.of("https://lab.example")))) {
            String admin = new Tokens(cors.lake.metadata(), Clock.systemUTC()).create("a", Role.ADMIN, null, "t", "t").secret();
            TestServer.Reply preflight = cors.send(HttpRequest.newBuilder(cors.uri("/api/models/x"))
                    .header("Origin", "https://lab.example").header("Access-Control-Request-Method", "DELETE")
                    .header("Access-Control-Request-Headers", "authorization")
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
            assertEquals("https://lab.example", preflight.header("Access-Control-Allow-Origin"), preflight.toString());
            TestServer.Reply other2 = cors.send(HttpRequest.newBuilder(cors.uri("/api/stats"))
                    .header("Origin", "https://evil.example").GET());
            assertNull(other2.header("Access-Control-Allow-Origin"));
            assertEquals(403, other2.status(), "refused as JSON, not a 400 with the stats as its body");
            assertTrue(other2.json().get("error").asText().contains("--cors-origins"), other2.body());
            assertEquals(404, send(cors, "DELETE", "/api/models/" + UNKNOWN, admin,
                    Map.of("Origin", "https://lab.example")).status(), "a configured origin may write, with a token");
            assertEquals(403, send(cors, "DELETE", "/api/models/" + UNKNOWN, admin,
                    Map.of("Origin", "https://evil.example")).status());
        }
    }

    /** A clock for the buckets that moves only when told: rate limits tested without sleeping. */
    static final class ManualMeter implements io.github.bucket4j.TimeMeter {
        final AtomicLong nanos = new AtomicLong();

        @Override
        public long currentTimeNanos() {
            return nanos.get();
        }

        @Override
        public boolean isWallClockBased() {
            return false;
        }
    }

    @Test
    void rateLimitsPerAddressAndPerIdentityWithRetryAfter(@TempDir Path other) throws IOException {
        ManualMeter meter = new ManualMeter();
        try (TestServer limited = new TestServer(other.resolve("lake"),
                TestServer.options().withRateLimits(new RateLimits(5, 2, meter)))) {
            Tokens tokens = new Tokens(limited.lake.metadata(), Clock.systemUTC());
            String a = tokens.create("a", Role.ADMIN, null, "t", "t").secret();
            String b = tokens.create("b", Role.ADMIN, null, "t", "t").secret();
            for (int i = 0; i < 5; i++) {
                assertEquals(200, send(limited, "GET", "/api/stats", a, null).status());
            }
            TestServer.Reply over = send(limited, "GET", "/api/stats", a, null);
            assertEquals(429, over.status());
            assertEquals("12", over.header("Retry-After"), "a minute's budget of 5 refills one every 12 s");
            assertTrue(over.json().get("error").asText().startsWith("too many requests"), over.body());
            // uploads have their own budget
            assertEquals(201, send(limited, "POST", "/api/models", a, null).status());
            assertEquals(201, send(limited, "POST", "/api/models", a, null).status());
            TestServer.Reply uploads = send(limited, "POST", "/api/models", a, null);
            assertEquals(429, uploads.status());
            assertTrue(uploads.json().get("error").asText().startsWith("too many uploads"));
            // per identity: token a from another loopback address is still over; token b there is not
            String request = "GET /api/stats HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAuthorization: Bearer ";
            assertTrue(raw(limited.server.port(), "127.0.0.2", request + a + "\r\n\r\n").startsWith("HTTP/1.1 429"));
            assertTrue(raw(limited.server.port(), "127.0.0.2", request + b + "\r\n\r\n").startsWith("HTTP/1.1 200"));
            meter.nanos.addAndGet(java.time.Duration.ofSeconds(60).toNanos());
            assertEquals(200, send(limited, "GET", "/api/stats", a, null).status(), "refilled a minute later");
            assertEquals(200, send(limited, "GET", "/health", a, null).status(), "health and pages are not limited");
        }
    }

    @Test
    void theDefaultLimitsStopABurstOfAThousandRequests() {
        RateLimits defaults = RateLimits.defaults();
        assertTrue(defaults.readsPerMinute() < 1000 && defaults.uploadsPerMinute() < 1000);
    }

    @Test
    void theAuditLogRecordsAMixedWorkloadAndCannotBeDeleted(@TempDir Path other) throws Exception {
        try (TestServer lake = new TestServer(other.resolve("lake"))) {
            Tokens tokens = new Tokens(lake.lake.metadata(), Clock.systemUTC());
            Tokens.Issued admin = tokens.create("boss", Role.ADMIN, null, "cli", "cli");
            TestServer.Reply made = send(lake, "POST", "/api/tokens", admin.secret(), null); // a reader token
            String readerId = made.json().get("token").get("id").asText();
            String contributor = tokens.create("ci", Role.CONTRIBUTOR, null, "cli", "cli").secret();
            String contributorId = tokens.list().stream().filter(t -> t.name().equals("ci")).findFirst().orElseThrow().id();
            TestServer.Reply up = send(lake, "POST", "/api/models", contributor, null);
            String model = up.json().get("id").asText();
            assertEquals(200, send(lake, "GET", "/api/models", null, null).status()); // reads are not audited
            assertEquals(403, send(lake, "DELETE", "/api/models/" + model, contributor, null).status()); // refused: no entry
            assertEquals(204, send(lake, "DELETE", "/api/models/" + model, admin.secret(), null).status());
            assertEquals(204, send(lake, "DELETE", "/api/tokens/" + readerId, admin.secret(), null).status());

            JsonNode page = send(lake, "GET", "/api/audit?limit=3", admin.secret(), null).json();
            assertEquals(6, page.get("total").asInt(), page.toString());
            List<String> actions = new ArrayList<>();
            send(lake, "GET", "/api/audit", admin.secret(), null).json().get("entries")
                    .forEach(e -> actions.add(e.get("action").asText() + " " + e.get("actor").asText() + " "
                            + e.get("target").asText() + " " + e.get("client").asText()));
            String adminId = admin.token().id();
            assertEquals(List.of(
                    "token.revoke " + adminId + " " + readerId + " 127.0.0.1",
                    "model.delete " + adminId + " " + model + " 127.0.0.1",
                    "model.upload " + contributorId + " " + model + " 127.0.0.1",
                    "token.create cli " + contributorId + " cli",
                    "token.create " + adminId + " " + readerId + " 127.0.0.1",
                    "token.create cli " + adminId + " cli"), actions);
            assertEquals(3, page.get("entries").size());
            assertEquals(405, send(lake, "DELETE", "/api/audit", admin.secret(), null).status());
            assertEquals(401, send(lake, "GET", "/api/audit", null, null).status());
        }
    }

    @Test
    void theOpenApiDocumentNamesEachRoutesRoleAndTheSecuritySchemes() throws IOException {
        JsonNode doc = TestServer.JSON.readTree(send("GET", "/openapi.json", null, null).body());
        assertTrue(doc.path("components").path("securitySchemes").has("bearerToken"), "bearer scheme");
        List<String> wrong = new ArrayList<>();
        for (Route route : routes()) {
            String path = route.path().replace(modelId, "{id}").replace(UNKNOWN, "{id}").replaceAll("\\?.*", "");
            JsonNode op = doc.path("paths").path(path).path(route.method().toLowerCase(java.util.Locale.ROOT));
            String role = op.path("x-required-role").asText(null);
            String expected = route.needs() == null ? null : route.needs().label();
            if (!java.util.Objects.equals(role, expected)) {
                wrong.add(route + ": x-required-role " + role + ", the server needs " + expected);
            }
            if (expected != null && !op.has("security")) {
                wrong.add(route + ": no security requirement");
            }
        }
        assertEquals(List.of(), wrong);
    }

    @Test
    void theTokenCommandMakesListsAndRevokesTokens(@TempDir Path other) throws Exception {
        Path data = other.resolve("data");
        String out = run("token", "create", "--role", "contributor", "--name", "ci-bot", "--expires", "90d",
                "--data", data.toString());
        String secret = out.lines().filter(l -> Tokens.SECRET.matcher(l).matches()).findFirst().orElseThrow(
                () -> new AssertionError("no secret printed: " + out));
        String list = run("token", "list", "--data", data.toString());
        assertTrue(list.contains("ci-bot") && list.contains("contributor") && list.contains("active"), list);
        assertFalse(list.contains(secret));
        String id = list.lines().filter(l -> l.contains("ci-bot")).findFirst().orElseThrow().split("\\s+")[0];
        String admin = run("token", "create", "--role", "admin", "--name", "ops", "--data", data.toString())
                .lines().filter(l -> Tokens.SECRET.matcher(l).matches()).findFirst().orElseThrow();
        try (TestServer served = new TestServer(data, LakeOptions.defaults())) {
            assertEquals("contributor", send(served, "GET", "/api/me", secret, null).json().get("role").asText());
            // the running server owns the lake: the command line says so and changes nothing
            assertEquals(2, Main.run("token", "revoke", id, "--data", data.toString()));
            assertEquals("contributor", send(served, "GET", "/api/me", secret, null).json().get("role").asText());
            assertEquals(204, send(served, "DELETE", "/api/tokens/" + id, admin, null).status());
            assertEquals(401, send(served, "GET", "/api/me", secret, null).status(), "revoked at once");
        }
        String opsId = run("token", "list", "--data", data.toString()).lines().filter(l -> l.endsWith(" ops"))
                .findFirst().orElseThrow().split("\\s+")[0];
        assertTrue(run("token", "revoke", opsId, "--data", data.toString()).contains("Revoked"));
        assertTrue(run("token", "list", "--data", data.toString()).lines()
                .filter(l -> l.endsWith(" ops")).allMatch(l -> l.contains("revoked")));
        assertEquals(2, Main.run("token", "create", "--role", "emperor", "--name", "x", "--data", data.toString()));
    }

    static String run(String... args) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        java.io.PrintStream old = System.out;
        System.setOut(new java.io.PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            int code = Main.run(args);
            assertEquals(0, code, bytes.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(old);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
