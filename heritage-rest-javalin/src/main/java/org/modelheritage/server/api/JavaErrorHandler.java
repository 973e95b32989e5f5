package org.modelheritage.server.api;

import io.javalin.router.exception.JavaLangErrorHandler;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.ByteBuffer;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link Error} (out of memory, stack overflow) escaping a handler: Javalin's exception mappers
 * see only Exceptions and would answer 500 with an empty body. It gets the same JSON as any
 * unexpected failure, "internal error" with a reference; the details go to the log.
 */
final class JavaErrorHandler implements JavaLangErrorHandler {
    private static final Logger log = LoggerFactory.getLogger(JavaErrorHandler.class);

    @Override
    public void handle(HttpServletResponse res, Error error) {
        String reference = UUID.randomUUID().toString().substring(0, 8);
        log.error("unexpected error {} while serving a request", reference, error);
        if (res.isCommitted()) {
            return; // part of the answer is out already: nothing sensible can follow it
        }
        try {
            res.resetBuffer();
            res.setStatus(HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
            res.setContentType("application/json");
            ByteBuffer body = JsonErrorHandler.body(500, "internal error (reference " + reference + ")");
            res.getOutputStream().write(body.array(), body.arrayOffset() + body.position(), body.remaining());
        } catch (Throwable e) {
            // Out of memory may strike again here; the status is set, and the error is logged above.
            log.debug("could not write the error body for {}", reference, e);
        }
    }
}
