package org.modelheritage.server.api;

import java.time.Duration;
import java.util.Objects;

/**
 * What one client may hold of the server: how long a connection may sit silent, how slowly a
 * request body may arrive, and how many uploads run at once. A slow client (one byte every two
 * seconds, as in a slowloris attack) would otherwise keep a worker thread for as long as it likes,
 * and a few hundred of them would starve everyone.
 *
 * @param idleTimeout          a connection with nothing sent or received for this long is closed
 * @param minRequestDataRate   bytes per second a request body must keep up on average once it has
 *                             begun; slower, the request ends with 408; 0 for no minimum
 * @param maxConcurrentUploads uploads streaming at once; one more is refused at once with 503 and
 *                             {@code Retry-After}, before its body is read; 0 for no bound
 */
public record ConnectionLimits(Duration idleTimeout, long minRequestDataRate, int maxConcurrentUploads) {
    /** Default idle timeout: 30 seconds. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
    /** 1 KiB/s: a 5 GB upload at that rate would take two months; no real client is slower. */
    public static final long DEFAULT_MIN_REQUEST_DATA_RATE = 1024;
    /** Default: 16 uploads streaming at once. */
    public static final int DEFAULT_MAX_CONCURRENT_UPLOADS = 16;
    /** What a refused upload is told to wait before trying again, in seconds. */
    public static final int RETRY_AFTER_SECONDS = 5;

    /**
     * Checks the components.
     *
     * @param idleTimeout          positive
     * @param minRequestDataRate   at least 0
     * @param maxConcurrentUploads at least 0
     * @throws IllegalArgumentException when a limit is out of its range
     * @throws NullPointerException when {@code idleTimeout} is null
     */
    public ConnectionLimits {
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idle timeout must be positive, got " + idleTimeout);
        }
        if (minRequestDataRate < 0) {
            throw new IllegalArgumentException("minimum request data rate must not be negative, got " + minRequestDataRate);
        }
        if (maxConcurrentUploads < 0) {
            throw new IllegalArgumentException("maximum concurrent uploads must not be negative, got " + maxConcurrentUploads);
        }
    }

    /** {@return the defaults: 30 s idle timeout, 1 KiB/s minimum request data rate, 16 concurrent uploads} */
    public static ConnectionLimits defaults() {
        return new ConnectionLimits(DEFAULT_IDLE_TIMEOUT, DEFAULT_MIN_REQUEST_DATA_RATE, DEFAULT_MAX_CONCURRENT_UPLOADS);
    }

    /**
     * These limits with another idle timeout.
     *
     * @param timeout how long a silent connection is kept, positive
     * @return new limits; these are unchanged
     * @throws IllegalArgumentException when {@code timeout} is zero or negative
     */
    public ConnectionLimits withIdleTimeout(Duration timeout) {
        return new ConnectionLimits(timeout, minRequestDataRate, maxConcurrentUploads);
    }

    /**
     * These limits with another minimum request data rate.
     *
     * @param bytesPerSecond the slowest average a request body may arrive at, at least 0 (0: no minimum)
     * @return new limits; these are unchanged
     * @throws IllegalArgumentException when {@code bytesPerSecond} is negative
     */
    public ConnectionLimits withMinRequestDataRate(long bytesPerSecond) {
        return new ConnectionLimits(idleTimeout, bytesPerSecond, maxConcurrentUploads);
    }

    /**
     * These limits with another bound on concurrent uploads.
     *
     * @param n uploads streaming at once, at least 0 (0: no bound)
     * @return new limits; these are unchanged
     * @throws IllegalArgumentException when {@code n} is negative
     */
    public ConnectionLimits withMaxConcurrentUploads(int n) {
        return new ConnectionLimits(idleTimeout, minRequestDataRate, n);
    }
}
