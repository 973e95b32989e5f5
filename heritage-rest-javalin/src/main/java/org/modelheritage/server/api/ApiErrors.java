package org.modelheritage.server.api;

import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import java.util.UUID;
import org.eclipse.jetty.http.BadMessageException;
import org.eclipse.jetty.io.EofException;
import org.modelheritage.lake.DuplicateModelException;
import org.modelheritage.lake.InvalidModelException;
import org.modelheritage.lake.UploadTooLargeException;
import org.modelheritage.server.access.AccessDeniedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Every failure of the API as {@code {"error": "..."}} with the right status, unexpected ones included. */
final class ApiErrors {
    private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);

    private ApiErrors() {
    }

    static void render(Exception e, Context ctx) {
        if (e instanceof AccessDeniedException denied) {
            if (denied.status() == 401) {
                ctx.header("WWW-Authenticate", "Bearer");
            }
            if (denied.retryAfterSeconds() > 0) {
                ctx.header("Retry-After", Long.toString(denied.retryAfterSeconds()));
            }
            error(ctx, HttpStatus.forStatus(denied.status()), e.getMessage());
        } else if (e instanceof DuplicateModelException dup) {
            Json.render(ctx.status(HttpStatus.CONFLICT), new ApiError(e.getMessage(), dup.existingId()));
        } else if (e instanceof InvalidModelException) {
            error(ctx, HttpStatus.BAD_REQUEST, e.getMessage());
        } else if (e instanceof MalformedMultipartException) {
            error(ctx, HttpStatus.BAD_REQUEST, "malformed multipart body: " + e.getMessage());
        } else if (e instanceof UploadTooLargeException) {
            error(ctx, HttpStatus.CONTENT_TOO_LARGE, e.getMessage());
        } else if (e instanceof HttpResponseException http) {
            error(ctx, HttpStatus.forStatus(http.getStatus()), e.getMessage());
        } else if (e instanceof ServerBusyException busy) {
            ctx.header("Retry-After", Integer.toString(busy.retryAfterSeconds()));
            error(ctx, HttpStatus.SERVICE_UNAVAILABLE, e.getMessage());
        } else if (e instanceof BadMessageException bad) {
            // Jetty refusing a request body while a handler reads it: below the minimum data rate, say
            log.info("{} {} refused by Jetty: {} {}", ctx.method(), ctx.path(), bad.getCode(), bad.getReason());
            HttpStatus status = HttpStatus.forStatus(bad.getCode());
            String reason = bad.getReason() == null ? status.getMessage() : bad.getReason();
            error(ctx, status, status == HttpStatus.REQUEST_TIMEOUT ? "request body too slow: " + reason : reason);
        } else if (idleTimeout(e)) {
            // the connection went idle past the timeout while the handler waited for the body
            log.info("{} {}: {}", ctx.method(), ctx.path(), e.getMessage());
            error(ctx, HttpStatus.REQUEST_TIMEOUT, "request timed out: nothing arrived in time");
        } else if (e instanceof EofException) {
            log.info("client went away during {} {}: {}", ctx.method(), ctx.path(), e.getMessage());
            error(ctx, HttpStatus.BAD_REQUEST, "request body ended early: " + e.getMessage());
        } else {
            // The exception's text may carry the store URI, SQL with its values, a driver's message
            // or server paths: it goes to the log under a reference the client can quote, never out.
            String reference = UUID.randomUUID().toString().substring(0, 8);
            log.error("unexpected failure {} in {} {}", reference, ctx.method(), ctx.path(), e);
            error(ctx, HttpStatus.INTERNAL_SERVER_ERROR, "internal error (reference " + reference + ")");
        }
    }

    private static boolean idleTimeout(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.util.concurrent.TimeoutException) {
                return true;
            }
        }
        return false;
    }

    static void error(Context ctx, HttpStatus status, String message) {
        Json.render(ctx.status(status), ApiError.of(message));
    }
}
