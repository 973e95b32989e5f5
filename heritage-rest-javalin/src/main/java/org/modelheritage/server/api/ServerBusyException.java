package org.modelheritage.server.api;

/** A request refused for now because the server is at a bound: a 503 with {@code Retry-After}. */
final class ServerBusyException extends RuntimeException {
    private final int retryAfterSeconds;

    ServerBusyException(String message, int retryAfterSeconds) {
        super(message);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
