package org.modelheritage.server.api;

import io.javalin.config.JavalinState;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpStatus;
import io.javalin.http.staticfiles.Location;
import io.javalin.plugin.Plugin;
import io.javalin.security.RouteRole;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Objects;
import java.util.function.Consumer;
import org.modelheritage.lake.ModelLake;
import org.modelheritage.server.access.AccessControl;
import org.modelheritage.server.access.AuditTrail;
import org.modelheritage.server.access.Role;
import org.modelheritage.server.access.Tokens;
import org.modelheritage.server.ops.BuildVersion;

/**
 * The REST API, the OpenAPI document and the web pages as a Javalin plugin, mounted under a base
 * path of the host app's choosing; {@link HeritageServer} is this plugin at the root of a server
 * of its own.
 *
 * <pre>{@code
 * Javalin app = Javalin.create(config -> {
 *     config.registerPlugin(new HeritagePlugin(heritage -> {
 *         heritage.lake = lake;
 *         heritage.basePath = "/heritage";
 *     }));
 *     config.routes.get("/", ctx -> ctx.result("the host app's own page"));
 * }).start(8080);
 * }</pre>
 *
 * <p>Everything it adds lives under the base path: the API at {@code BASE/api/...}, the pages at
 * {@code BASE/} (they use relative URLs), browser libraries at {@code BASE/webjars/}, and its
 * access control (tokens, roles, Host and Origin checks, rate limits, security headers) screens
 * those paths only. Its routes answer errors as {@code {"error": ...}} JSON and write JSON with
 * the API's own mapper, whatever the host app configured. The lake stays the caller's to close.
 */
public final class HeritagePlugin extends Plugin<HeritagePlugin.Config> {
    static final String OPENAPI_RESOURCE = "/org/modelheritage/server/api/openapi.json";

    /** What the plugin serves and how. */
    public static final class Config {
        /** The lake to serve; required. */
        public ModelLake lake;
        /** Access settings (anonymous access, CORS origins checked by Origin, rate limits, OIDC); host and port are the host app's. */
        public ServerOptions options = ServerOptions.ephemeral();
        /** Where to mount: "" for the root, else a path such as {@code /heritage} (no trailing slash). */
        public String basePath = "";
        /** The clock token expiry and the audit log read. */
        public Clock clock = Clock.systemUTC();
    }

    /**
     * A plugin configured by the caller; nothing is checked until Javalin initialises it.
     *
     * @param userConfig sets {@link Config#lake} (required) and whichever other fields differ from their defaults
     */
    public HeritagePlugin(Consumer<Config> userConfig) {
        super(userConfig, new Config());
    }

    @Override
    public String name() {
        return "model-heritage";
    }

    @Override
    public void onInitialize(JavalinState state) {
        Config c = pluginConfig;
        ModelLake lake = Objects.requireNonNull(c.lake, "HeritagePlugin needs a lake");
        String base = normalise(c.basePath);
        ServerOptions options = c.options;
        Tokens tokens = new Tokens(lake.metadata(), c.clock);
        AuditTrail audit = new AuditTrail(lake.metadata(), c.clock);
        AccessControl access = new AccessControl(tokens, AccessControl.isLoopback(options.host()), options.anonymous(),
                options.corsOrigins(), options.rateLimits(), options.jwt(), c.clock, base);
        ModelHandlers models = new ModelHandlers(lake, audit, base);
        FamilyHandlers families = new FamilyHandlers(lake);
        AccessHandlers accounts = new AccessHandlers(lake.metadata(), tokens, c.clock);
        byte[] openApi = openApiDocument();
        UploadSlots uploads = new UploadSlots(options.connectionLimits().maxConcurrentUploads());

        staticFiles(state, base);
        if (base.isEmpty()) {
            state.routes.before(guarded(access::screen));
            state.routes.beforeMatched(guarded(access::authorize));
        } else {
            // pages use relative URLs: BASE itself must end in "/" for them to resolve under it
            state.routes.get(base, ctx -> ctx.redirect(base + "/", HttpStatus.MOVED_PERMANENTLY));
            state.routes.before(base + "/*", guarded(access::screen));
            state.routes.beforeMatched(base + "/*", guarded(access::authorize));
        }
        Routes r = new Routes(state, base);
        r.get("/health", ctx -> health(ctx, lake));
        r.get("/openapi.json", ctx -> ctx.contentType("application/json").result(openApi));
        r.get("/api/me", accounts::me);
        r.get("/api/models", models::list, Role.READER);
        r.post("/api/models", uploads.guard(models::upload), Role.CONTRIBUTOR);
        r.get("/api/models/{id}", models::get, Role.READER);
        r.delete("/api/models/{id}", models::delete, Role.ADMIN);
        r.post("/api/identify", new IdentifyHandlers(lake)::identify, Role.READER);
        r.get("/api/compare", new CompareHandlers(lake)::compare, Role.READER);
        r.get("/api/families", families::list, Role.READER);
        r.get("/api/families/{id}/models", families::models, Role.READER);
        r.get("/api/families/{id}/tree", families::tree, Role.READER);
        r.get("/api/families/{id}/tree.graphml", families::graphml, Role.READER);
        r.get("/api/families/{id}/tree.dot", families::dot, Role.READER);
        r.get("/api/stats", ctx -> Json.render(ctx, Views.StatsView.of(lake.stats())), Role.READER);
        r.get("/api/stats/charts", ctx -> Json.render(ctx, Views.ChartsView.of(lake.charts(
                Paging.parse(ctx.queryParam("largest"), "largest", 0, 100, 10)))), Role.READER);
        r.get("/api/tokens", accounts::listTokens, Role.ADMIN);
        r.post("/api/tokens", accounts::createToken, Role.ADMIN);
        r.delete("/api/tokens/{id}", accounts::revokeToken, Role.ADMIN);
        r.get("/api/audit", accounts::audit, Role.ADMIN);
        if (!base.isEmpty()) {
            // an unknown API path under BASE is a JSON 404 too, without touching the host app's 404
            r.get("/api/*", ctx -> ApiErrors.error(ctx, HttpStatus.NOT_FOUND, "not found: " + ctx.method() + " "
                    + ctx.path()));
        }
    }

    /** The route table under the base path, each handler's failures rendered as API errors. */
    private record Routes(JavalinState state, String base) {
        void get(String path, Handler h, RouteRole... roles) {
            state.routes.get(base + path, guarded(h), roles);
        }

        void post(String path, Handler h, RouteRole... roles) {
            state.routes.post(base + path, guarded(h), roles);
        }

        void delete(String path, Handler h, RouteRole... roles) {
            state.routes.delete(base + path, guarded(h), roles);
        }
    }

    /** Maps a failure to its JSON error here, so the host app's own exception handlers stay its own. */
    private static Handler guarded(Handler h) {
        return ctx -> {
            try {
                h.handle(ctx);
            } catch (Exception e) {
                ApiErrors.render(e, ctx);
                ctx.skipRemainingHandlers();
            }
        };
    }

    /** 200 "ok", or 503 "degraded" when a worker died: uploads would queue with nobody to process them. */
    private static void health(Context ctx, ModelLake lake) {
        int alive = lake.liveWorkers();
        int configured = lake.options().workers();
        boolean ok = alive >= configured;
        Json.render(ctx.status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE),
                new Views.HealthView(ok ? "ok" : "degraded", BuildVersion.get(), lake.stats().models(), alive, configured));
    }

    /** The web pages (classpath /public) at BASE/, browser libraries from WebJars at BASE/webjars. */
    private static void staticFiles(JavalinState state, String base) {
        if (HeritagePlugin.class.getResource("/public") != null) {
            state.staticFiles.add(files -> {
                files.hostedPath = base.isEmpty() ? "/" : base;
                files.directory = "/public";
                files.location = Location.CLASSPATH;
            });
        }
        if (HeritagePlugin.class.getResource("/META-INF/resources/webjars") != null) {
            state.staticFiles.add(files -> {
                files.hostedPath = base + "/webjars";
                files.directory = "/META-INF/resources/webjars";
                files.location = Location.CLASSPATH;
            });
        }
    }

    static String normalise(String basePath) {
        String b = basePath == null ? "" : basePath.strip();
        while (b.endsWith("/")) {
            b = b.substring(0, b.length() - 1);
        }
        if (!b.isEmpty() && !b.matches("(/[A-Za-z0-9._~-]+)+")) {
            throw new IllegalArgumentException("a base path is \"\" or \"/\" and path segments of [A-Za-z0-9._~-], got "
                    + basePath);
        }
        return b;
    }

    static byte[] openApiDocument() {
        try (InputStream in = HeritagePlugin.class.getResourceAsStream(OPENAPI_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + OPENAPI_RESOURCE);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
