package org.modelheritage.server.api;

import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.eclipse.jetty.http.BadMessageException;
import org.eclipse.jetty.io.EofException;
import org.modelheritage.lake.DuplicateModelException;
import org.modelheritage.lake.InvalidModelException;
import org.modelheritage.lake.ModelLake;
import org.modelheritage.lake.UploadTooLargeException;
import org.modelheritage.server.access.AccessControl;
import org.modelheritage.server.access.AccessDeniedException;
import org.modelheritage.server.access.AuditTrail;
import org.modelheritage.server.access.Role;
import org.modelheritage.server.access.Tokens;
import org.modelheritage.server.ops.BuildVersion;
import org.modelheritage.server.ops.LakeMetrics;
import org.modelheritage.server.ops.OpsRoutes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place the web app is wired: JSON, CORS, access control, static pages, error mapping, and
 * the route table, where each route names the least {@link Role} it needs (none: public). Handlers
 * only parse the request, call the {@link ModelLake} and render.
 */
public final class HeritageServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HeritageServer.class);
    static final String OPENAPI_RESOURCE = "/org/modelheritage/server/api/openapi.json";

    private final ModelLake lake;
    private final Javalin app;
    private final OpsRoutes ops;

    /** A server over {@code lake} with these options; {@link #start()} starts it. */
    public HeritageServer(ModelLake lake, ServerOptions options) {
        this(lake, options, Clock.systemUTC());
    }

    /** With the clock that token expiry and the audit log read (tests move it). */
    public HeritageServer(ModelLake lake, ServerOptions options, Clock clock) {
        this(lake, options, clock, null);
    }

    /**
     * @param metrics the registry the lake's stores report to ({@link LakeMetrics#timed}); null for
     *                one of this server's own
     */
    public HeritageServer(ModelLake lake, ServerOptions options, Clock clock, LakeMetrics metrics) {
        this(lake, options, clock, metrics, config -> { });
    }

    /** With {@code extra} configuration applied last: tests add routes that misbehave. */
    HeritageServer(ModelLake lake, ServerOptions options, Clock clock, LakeMetrics metrics,
                   java.util.function.Consumer<JavalinConfig> extra) {
        this.lake = lake;
        this.ops = new OpsRoutes(lake, metrics);
        Tokens tokens = new Tokens(lake.metadata(), clock);
        AuditTrail audit = new AuditTrail(lake.metadata(), clock);
        AccessControl access = new AccessControl(tokens, AccessControl.isLoopback(options.host()), options.anonymous(),
                options.corsOrigins(), options.rateLimits(), options.jwt(), clock);
        ModelHandlers models = new ModelHandlers(lake, audit);
        FamilyHandlers families = new FamilyHandlers(lake);
        AccessHandlers accounts = new AccessHandlers(lake.metadata(), tokens, clock);
        IdentifyHandlers identify = new IdentifyHandlers(lake);
        byte[] openApi = openApiDocument();
        UploadSlots uploads = new UploadSlots(options.connectionLimits().maxConcurrentUploads());
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.jetty.host = options.host();
            config.jetty.port = options.port();
            HttpConnector.configure(config, options.host(), options.port(), options.connectionLimits());
            // Requests Jetty refuses before any route (414, 431, bad Content-Length, ambiguous URI)
            config.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));
            config.jsonMapper(new JavalinJackson(Json.mapper(), false));
            config.http.prefer405over404 = true;
            cors(config, options.corsOrigins());
            staticFiles(config);
            errors(config, options.connectionLimits().idleTimeout().toSeconds());
            ops.register(config); // request ids and log, /metrics, /health/live, /health/ready

            config.routes.before(access::screen);
            config.routes.beforeMatched(access::authorize);

            config.routes.get("/health", this::health);
            config.routes.get("/openapi.json", ctx -> ctx.contentType("application/json").result(openApi));
            config.routes.get("/api/me", accounts::me);
            config.routes.get("/api/models", models::list, Role.READER);
            config.routes.post("/api/models", uploads.guard(models::upload), Role.CONTRIBUTOR);
            config.routes.get("/api/models/{id}", models::get, Role.READER);
            config.routes.delete("/api/models/{id}", models::delete, Role.ADMIN);
            config.routes.post("/api/identify", identify::identify, Role.READER);
            config.routes.get("/api/compare", new CompareHandlers(lake)::compare, Role.READER);
            config.routes.get("/api/families", families::list, Role.READER);
            config.routes.get("/api/families/{id}/models", families::models, Role.READER);
            config.routes.get("/api/families/{id}/tree", families::tree, Role.READER);
            config.routes.get("/api/stats", ctx -> ctx.json(Views.StatsView.of(lake.stats())), Role.READER);
            config.routes.get("/api/stats/charts", ctx -> ctx.json(Views.ChartsView.of(lake.charts(
                    Paging.parse(ctx.queryParam("largest"), "largest", 0, 100, 10)))), Role.READER);
            config.routes.get("/api/tokens", accounts::listTokens, Role.ADMIN);
            config.routes.post("/api/tokens", accounts::createToken, Role.ADMIN);
            config.routes.delete("/api/tokens/{id}", accounts::revokeToken, Role.ADMIN);
            config.routes.get("/api/audit", accounts::audit, Role.ADMIN);
            extra.accept(config);
        });
    }

    /** Starts listening; returns this server. */
    public HeritageServer start() {
        app.start();
        return this;
    }

    /** The port it listens on (the real one when it was started on port 0). */
    public int port() {
        return app.port();
    }

    /** The lake this server serves. */
    public ModelLake lake() {
        return lake;
    }

    /** The app's HTTP routes as "METHOD /path", for checking them against the OpenAPI document. */
    public List<String> routes() {
        return app.unsafe.internalRouter.allHttpHandlers().stream()
                .map(e -> e.endpoint.method.name() + " " + e.endpoint.path)
                .filter(r -> r.matches("^(GET|POST|PUT|PATCH|DELETE) .*"))
                .toList();
    }

    /** 200 "ok", or 503 "degraded" when a worker died: uploads would queue with nobody to process them. */
    private void health(Context ctx) {
        int alive = lake.liveWorkers();
        int configured = lake.options().workers();
        boolean ok = alive >= configured;
        ctx.status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
                .json(new Views.HealthView(ok ? "ok" : "degraded", BuildVersion.get(), lake.stats().models(), alive, configured));
    }

    /** Stops the HTTP server; the lake is the caller's to close. */
    @Override
    public void close() {
        try {
            app.stop();
        } finally {
            ops.close();
        }
    }

    private static void cors(JavalinConfig config, List<String> origins) {
        if (origins.isEmpty()) {
            return;
        }
        config.bundledPlugins.enableCors(cors -> cors.addRule(rule -> {
            if (origins.contains("*")) {
                rule.anyHost();
            } else {
                rule.allowHost(origins.get(0), origins.subList(1, origins.size()).toArray(String[]::new));
            }
            rule.exposeHeader("Location");
            rule.exposeHeader("Retry-After");
        }));
    }

    /** The web pages (classpath /public) at /, and browser libraries from WebJars at /webjars. */
    private static void staticFiles(JavalinConfig config) {
        if (HeritageServer.class.getResource("/public") != null) {
            config.staticFiles.add(files -> {
                files.hostedPath = "/";
                files.directory = "/public";
                files.location = Location.CLASSPATH;
            });
        }
        if (HeritageServer.class.getResource("/META-INF/resources/webjars") != null) {
            config.staticFiles.enableWebjars();
        }
    }

    /** Every error is {"error": "..."} with the right status, unexpected ones included. */
    private static void errors(JavalinConfig config, long idleTimeoutSeconds) {
        JavaErrorHandler.install(config);
        config.routes.exception(AccessDeniedException.class, (e, ctx) -> {
            if (e.status() == 401) {
                ctx.header("WWW-Authenticate", "Bearer");
            }
            if (e.retryAfterSeconds() > 0) {
                ctx.header("Retry-After", Long.toString(e.retryAfterSeconds()));
            }
            error(ctx, HttpStatus.forStatus(e.status()), e.getMessage());
        });
        config.routes.exception(DuplicateModelException.class, (e, ctx) ->
                ctx.status(HttpStatus.CONFLICT).json(new ApiError(e.getMessage(), e.existingId())));
        config.routes.exception(InvalidModelException.class, (e, ctx) -> error(ctx, HttpStatus.BAD_REQUEST, e.getMessage()));
        config.routes.exception(MalformedMultipartException.class, (e, ctx) ->
                error(ctx, HttpStatus.BAD_REQUEST, "malformed multipart body: " + e.getMessage()));
        config.routes.exception(UploadTooLargeException.class, (e, ctx) -> error(ctx, HttpStatus.CONTENT_TOO_LARGE, e.getMessage()));
        config.routes.exception(HttpResponseException.class, (e, ctx) -> error(ctx, HttpStatus.forStatus(e.getStatus()), e.getMessage()));
        config.routes.exception(ServerBusyException.class, (e, ctx) -> {
            ctx.header("Retry-After", Integer.toString(e.retryAfterSeconds()));
            error(ctx, HttpStatus.SERVICE_UNAVAILABLE, e.getMessage());
        });
        config.routes.exception(BadMessageException.class, (e, ctx) -> {
            // Jetty refusing a request body while a handler reads it: below the minimum data rate, say
            log.info("{} {} refused by Jetty: {} {}", ctx.method(), ctx.path(), e.getCode(), e.getReason());
            HttpStatus status = HttpStatus.forStatus(e.getCode());
            String reason = e.getReason() == null ? status.getMessage() : e.getReason();
            error(ctx, status, status == HttpStatus.REQUEST_TIMEOUT ? "request body too slow: " + reason : reason);
        });
        config.routes.exception(EofException.class, (e, ctx) -> {
            log.info("client went away during {} {}: {}", ctx.method(), ctx.path(), e.getMessage());
            error(ctx, HttpStatus.BAD_REQUEST, "request body ended early: " + e.getMessage());
        });
        config.routes.exception(Exception.class, (e, ctx) -> {
            // The exception's text may carry the store URI, SQL with its values, a driver's message
            // or server paths: it goes to the log under a reference the client can quote, never out.
            String reference = UUID.randomUUID().toString().substring(0, 8);
            log.error("unexpected failure {} in {} {}", reference, ctx.method(), ctx.path(), e);
            error(ctx, HttpStatus.INTERNAL_SERVER_ERROR, "internal error (reference " + reference + ")");
        });
        // Statuses set without an exception (no route, wrong method): JSON too, unless a body was set.
        config.routes.error(HttpStatus.NOT_FOUND.getCode(), "*", ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty()) {
                error(ctx, HttpStatus.NOT_FOUND, "not found: " + ctx.method() + " " + ctx.path());
            }
        });
        // A connection idle past the timeout while a handler waited for its body (Javalin sets the status itself).
        config.routes.error(HttpStatus.REQUEST_TIMEOUT.getCode(), "*", ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty()) {
                error(ctx, HttpStatus.REQUEST_TIMEOUT, "request timed out: nothing arrived for "
                        + idleTimeoutSeconds + " s");
            }
        });
        config.routes.error(HttpStatus.METHOD_NOT_ALLOWED.getCode(), "*", ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty()) {
                error(ctx, HttpStatus.METHOD_NOT_ALLOWED, "method not allowed: " + ctx.method() + " " + ctx.path());
            }
        });
    }

    private static void error(Context ctx, HttpStatus status, String message) {
        ctx.status(status).json(ApiError.of(message));
    }

    private static byte[] openApiDocument() {
        try (InputStream in = HeritageServer.class.getResourceAsStream(OPENAPI_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + OPENAPI_RESOURCE);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
