package org.modelheritage.server.ops;

import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Every request gets an id, from the client's {@code X-Request-Id} when it is a sane token, else a
 * new one; it goes back in the response header and, through the MDC, onto every log line written
 * while the request runs. When the request ends: one INFO line and its time in
 * {@code http_server_requests_seconds{method, uri, status}}, where {@code uri} is the route's
 * template ({@code /api/models/{id}}), so ids do not each make a series.
 */
public final class RequestLog {
    public static final String HEADER = "X-Request-Id";
    public static final String MDC_KEY = "requestId";
    private static final Logger log = LoggerFactory.getLogger(RequestLog.class);
    private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final MeterRegistry registry;

    public RequestLog(MeterRegistry registry) {
        this.registry = registry;
    }

    /** A before-handler: runs first, so that even a request refused by access control has its id. */
    public void begin(Context ctx) {
        String given = ctx.header(HEADER);
        String id = given != null && CLIENT_ID.matcher(given).matches() ? given : newId();
        ctx.header(HEADER, id);
        MDC.put(MDC_KEY, id);
    }

    /** The request logger: called once the response is written. */
    public void end(Context ctx, Float ms) {
        try {
            String uri = uri(ctx);
            int status = ctx.statusCode();
            long millis = Math.round(ms);
            log.info("{} {} -> {} in {} ms", ctx.method(), ctx.path(), status, millis);
            Timer.builder("http.server.requests").description("HTTP requests by route template and status")
                    .tag("method", ctx.method().name()).tag("uri", uri).tag("status", Integer.toString(status))
                    .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(5))
                    .register(registry).record(Duration.ofNanos((long) (ms * 1_000_000.0)));
        } finally {
            MDC.remove(MDC_KEY);
        }
    }

    /**
     * The route's template; what no route matched is "static" when it was served (pages, WebJars)
     * and "UNMATCHED" when it was refused (404, 405, a Host refused before routing).
     */
    static String uri(Context ctx) {
        Endpoint matched = ctx.endpoints().matchedHttpEndpoint();
        if (matched != null) {
            return matched.path;
        }
        return ctx.statusCode() >= 400 ? "UNMATCHED" : "static";
    }

    private static String newId() {
        byte[] b = new byte[8];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
