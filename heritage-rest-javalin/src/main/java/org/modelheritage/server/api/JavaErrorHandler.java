package org.modelheritage.server.api;

import io.javalin.config.JavalinConfig;
import jakarta.servlet.http.HttpServletResponse;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link Error} (out of memory, stack overflow) escaping a handler: Javalin's exception mappers
 * see only Exceptions and would answer 500 with an empty body. It gets the same JSON as any
 * unexpected failure, "internal error" with a reference; the details go to the log.
 *
 * <p>Javalin's handler type sits in a package its module does not export, so a class of this module
 * cannot implement it; the handler is installed as a proxy of that type, found by reflection.
 */
final class JavaErrorHandler {
    private static final Logger log = LoggerFactory.getLogger(JavaErrorHandler.class);
    private static final String HANDLER_TYPE = "io.javalin.router.exception.JavaLangErrorHandler";

    private JavaErrorHandler() {
    }

    /** Makes {@link #handle} answer every Error that escapes a handler. */
    static void install(JavalinConfig config) {
        try {
            Class<?> type = Class.forName(HANDLER_TYPE, false, JavalinConfig.class.getClassLoader());
            Object handler = Proxy.newProxyInstance(JavaErrorHandler.class.getClassLoader(), new Class<?>[] {type},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "handle" -> {
                            handle((HttpServletResponse) args[0], (Error) args[1]);
                            yield null;
                        }
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        default -> "JavaErrorHandler";
                    });
            Method setter = config.router.getClass().getMethod("javaLangErrorHandler", type);
            setter.invoke(config.router, handler);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot install the handler of Errors in this Javalin version", e);
        }
    }

    static void handle(HttpServletResponse res, Error error) {
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
