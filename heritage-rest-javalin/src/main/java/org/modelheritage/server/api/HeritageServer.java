package org.modelheritage.server.api;

import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.json.JavalinJackson;
import java.time.Clock;
import java.util.List;
import org.modelheritage.lake.ModelLake;
import org.modelheritage.server.ops.LakeMetrics;
import org.modelheritage.server.ops.OpsRoutes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standalone server: a Javalin app of its own (host, port, connection limits, JSON, CORS,
 * Jetty's and Javalin's own errors as JSON, the operations endpoints) with {@link HeritagePlugin}
 * mounted at the root. The plugin is the one place the API is wired: access control, static
 * pages, and the route table, where each route names the least role it needs (none: public).
 */
public final class HeritageServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HeritageServer.class);
    static final String OPENAPI_RESOURCE = HeritagePlugin.OPENAPI_RESOURCE;

    private final ModelLake lake;
    private final Javalin app;
    private final OpsRoutes ops;

    /**
     * A server over a lake, on the system clock; {@link #start()} starts it.
     *
     * @param lake    the lake to serve; it stays the caller's to close
     * @param options where to listen and who may do what
     */
    public HeritageServer(ModelLake lake, ServerOptions options) {
        this(lake, options, Clock.systemUTC());
    }

    /**
     * A server over a lake, with the clock that token expiry and the audit log read (tests move it).
     *
     * @param lake    the lake to serve; it stays the caller's to close
     * @param options where to listen and who may do what
     * @param clock   the clock for tokens and the audit log
     */
    public HeritageServer(ModelLake lake, ServerOptions options, Clock clock) {
        this(lake, options, clock, null);
    }

    /**
     * A server over a lake whose stores already report to a metrics registry.
     *
     * @param lake    the lake to serve; it stays the caller's to close
     * @param options where to listen and who may do what
     * @param clock   the clock for tokens and the audit log
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
            errors(config, options.connectionLimits().idleTimeout().toSeconds());
            ops.register(config); // request ids and log, /metrics, /health/live, /health/ready
            config.registerPlugin(new HeritagePlugin(heritage -> {
                heritage.lake = lake;
                heritage.options = options;
                heritage.clock = clock;
            }));
            extra.accept(config);
        });
    }

    /**
     * Starts listening.
     *
     * @return this server
     * @throws io.javalin.util.JavalinBindException when the port is taken or cannot be bound
     */
    public HeritageServer start() {
        app.start();
        return this;
    }

    /** {@return the port it listens on (the real one when it was started on port 0)} */
    public int port() {
        return app.port();
    }

    /** {@return the lake this server serves} */
    public ModelLake lake() {
        return lake;
    }

    /** {@return the app's HTTP routes as "METHOD /path" (GET, POST, PUT, PATCH, DELETE), for checking them against the OpenAPI document} */
    public List<String> routes() {
        return app.unsafe.internalRouter.allHttpHandlers().stream()
                .map(e -> e.endpoint.method.name() + " " + e.endpoint.path)
                .filter(r -> r.matches("^(GET|POST|PUT|PATCH|DELETE) .*"))
                .toList();
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

    /**
     * Every error is {"error": "..."} with the right status: what escapes a route (the plugin maps
     * its own the same way), and statuses set without an exception, unless a body was set.
     */
    private static void errors(JavalinConfig config, long idleTimeoutSeconds) {
        JavaErrorHandler.install(config);
        config.routes.exception(Exception.class, ApiErrors::render);
        // Javalin answers its own HttpResponseExceptions unless a handler names their class
        config.routes.exception(HttpResponseException.class, ApiErrors::render);
        // Statuses set without an exception (no route, wrong method): JSON too, unless a body was set.
        config.routes.error(HttpStatus.NOT_FOUND.getCode(), "*", ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty()) {
                ApiErrors.error(ctx, HttpStatus.NOT_FOUND, "not found: " + ctx.method() + " " + ctx.path());
            }
        });
        // A connection idle past the timeout while a handler waited for its body (Javalin sets the status itself).
        config.routes.error(HttpStatus.REQUEST_TIMEOUT.getCode(), "*", ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty()) {
                ApiErrors.error(ctx, HttpStatus.REQUEST_TIMEOUT, "request timed out: nothing arrived for "
                        + idleTimeoutSeconds + " s");
            }
        });
        config.routes.error(HttpStatus.METHOD_NOT_ALLOWED.getCode(), "*", ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty()) {
                ApiErrors.error(ctx, HttpStatus.METHOD_NOT_ALLOWED, "method not allowed: " + ctx.method() + " " + ctx.path());
            }
        });
    }
}
