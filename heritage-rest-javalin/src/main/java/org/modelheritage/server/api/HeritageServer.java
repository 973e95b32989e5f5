package org.modelheritage.server.api;

import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.json.JavalinJackson;
import java.time.Clock;
import java.util.List;
import org.modelheritage.lake.ModelLake;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standalone server: a Javalin app of its own (host, port, JSON, CORS, Jetty's and Javalin's
 * own errors as JSON) with {@link HeritagePlugin} mounted at the root. The plugin is the one place
 * the API is wired: access control, static pages, and the route table, where each route names
 * the least role it needs (none: public).
 */
public final class HeritageServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HeritageServer.class);
    static final String OPENAPI_RESOURCE = HeritagePlugin.OPENAPI_RESOURCE;

    private final ModelLake lake;
    private final Javalin app;

    public HeritageServer(ModelLake lake, ServerOptions options) {
        this(lake, options, Clock.systemUTC());
    }

    /** With the clock that token expiry and the audit log read (tests move it). */
    public HeritageServer(ModelLake lake, ServerOptions options, Clock clock) {
        this.lake = lake;
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.jetty.host = options.host();
            config.jetty.port = options.port();
            // Requests Jetty refuses before any route (414, 431, bad Content-Length, ambiguous URI)
            config.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));
            config.jsonMapper(new JavalinJackson(Json.mapper(), false));
            config.http.prefer405over404 = true;
            cors(config, options.corsOrigins());
            errors(config);
            config.requestLogger.http((ctx, ms) -> log.debug("{} {} -> {} in {} ms",
                    ctx.method(), ctx.path(), ctx.statusCode(), Math.round(ms)));
            config.registerPlugin(new HeritagePlugin(heritage -> {
                heritage.lake = lake;
                heritage.options = options;
                heritage.clock = clock;
            }));
        });
    }

    public HeritageServer start() {
        app.start();
        return this;
    }

    /** The port it listens on (the real one when it was started on port 0). */
    public int port() {
        return app.port();
    }

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

    /** Stops the HTTP server; the lake is the caller's to close. */
    @Override
    public void close() {
        app.stop();
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
     * its own), and statuses set without an exception (no route, wrong method), unless a body was set.
     */
    private static void errors(JavalinConfig config) {
        config.routes.exception(Exception.class, ApiErrors::render);
        // Javalin answers its own HttpResponseExceptions unless a handler names their class
        config.routes.exception(HttpResponseException.class, ApiErrors::render);
        config.routes.error(HttpStatus.NOT_FOUND.getCode(), "*", ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty()) {
                ApiErrors.error(ctx, HttpStatus.NOT_FOUND, "not found: " + ctx.method() + " " + ctx.path());
            }
        });
        config.routes.error(HttpStatus.METHOD_NOT_ALLOWED.getCode(), "*", ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty()) {
                ApiErrors.error(ctx, HttpStatus.METHOD_NOT_ALLOWED, "method not allowed: " + ctx.method() + " " + ctx.path());
            }
        });
    }
}
