package org.modelheritage.server.ops;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.Map;
import org.modelheritage.lake.ModelLake;
import org.modelheritage.server.access.Role;

/**
 * The operations side of the HTTP server, registered into a Javalin config in one call: request ids
 * and the request log, {@code /metrics} (Prometheus text; role reader), {@code /health/live} and
 * {@code /health/ready} (public, like {@code /health}). Kept apart from the API's route table so
 * that any shape of server (standalone or plugin) can add it.
 */
public final class OpsRoutes implements AutoCloseable {
    public static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final LakeMetrics metrics;
    private final boolean ownsMetrics;
    private final Readiness readiness;
    private final RequestLog requests;

    /**
     * @param metrics the registry the lake's stores were opened into ({@link LakeMetrics#timed}); null
     *                for a registry of this server's own (no store timings then)
     */
    public OpsRoutes(ModelLake lake, LakeMetrics metrics) {
        this.ownsMetrics = metrics == null;
        this.metrics = metrics == null ? new LakeMetrics() : metrics;
        this.metrics.bind(lake);
        this.readiness = new Readiness(lake);
        this.requests = new RequestLog(this.metrics.registry());
    }

    /** Call before any other before-handler, so that every request, refused ones too, gets its id. */
    public void register(JavalinConfig config) {
        config.routes.before(requests::begin);
        config.requestLogger.http(requests::end);
        config.routes.get("/metrics", this::metrics, Role.READER);
        config.routes.get("/health/live", OpsRoutes::live);
        config.routes.get("/health/ready", this::ready);
    }

    public LakeMetrics metrics() {
        return metrics;
    }

    private void metrics(Context ctx) {
        ctx.contentType(PROMETHEUS_TEXT).result(metrics.scrape());
    }

    /** The process answers HTTP: no store call. */
    private static void live(Context ctx) {
        ctx.json(new Live("live", BuildVersion.get()));
    }

    private void ready(Context ctx) {
        Readiness.Report report = readiness.check();
        ctx.status(report.ready() ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
                .json(new Ready(report.ready() ? "ready" : "not ready", report.checks()));
    }

    record Live(String status, String version) {
    }

    record Ready(String status, Map<String, String> checks) {
    }

    /** Stops reporting the lake; closes the registry when it was this server's own. */
    @Override
    public void close() {
        if (ownsMetrics) {
            metrics.close();
        }
    }
}
