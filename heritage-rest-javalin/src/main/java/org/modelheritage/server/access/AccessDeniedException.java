package org.modelheritage.server.access;

/**
 * A request refused before it reaches its handler: 401 (no or bad credentials), 403 (not allowed:
 * a foreign Host or Origin, or a role too small), 429 (over a rate limit, with the seconds to wait).
 * Rendered as {@code {"error": message}}.
 */
public final class AccessDeniedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    /** The HTTP status to answer. */
    private final int status;
    /** Seconds the client should wait before retrying (0: no Retry-After). */
    private final long retryAfterSeconds;

    /**
     * Creates the exception with the HTTP status and what to tell the caller.
     *
     * @param status  401, 403 or 429
     * @param message what to tell the caller: why, and what would be let through
     */
    public AccessDeniedException(int status, String message) {
        this(status, message, 0);
    }

    /**
     * Creates the exception with the HTTP status, what to tell the caller, and a Retry-After.
     * Carries no stack trace: it is an answer, not a failure.
     *
     * @param status            401, 403 or 429
     * @param message           what to tell the caller
     * @param retryAfterSeconds seconds before a retry may succeed (a 429's Retry-After); 0 for none
     */
    public AccessDeniedException(int status, String message, long retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** {@return the HTTP status to answer: 401, 403 or 429} */
    public int status() {
        return status;
    }

    /** {@return seconds a client should wait before trying again (429 only; 0 otherwise)} */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
