package org.modelheritage.server.access;

import io.github.bucket4j.TimeMeter;
import java.util.Objects;

/**
 * Request budgets per minute, each for one identity and, separately, for one client address:
 * uploads ({@code POST /api/models}) and every other API request ("reads", deletes and token
 * changes included). A budget can be spent at once (a burst) and refills evenly over the minute.
 *
 * @param readsPerMinute   0 for no limit
 * @param uploadsPerMinute 0 for no limit
 * @param clock            the buckets' clock (tests move it by hand)
 */
public record RateLimits(long readsPerMinute, long uploadsPerMinute, TimeMeter clock) {
    /** A burst of a thousand requests a second from one identity is well over these. */
    public static final long DEFAULT_READS_PER_MINUTE = 600;
    /** Default: 120 uploads a minute. */
    public static final long DEFAULT_UPLOADS_PER_MINUTE = 120;

    /** Validates the components. */
    public RateLimits {
        if (readsPerMinute < 0 || uploadsPerMinute < 0) {
            throw new IllegalArgumentException("rate limits must be >= 0 (0 for none)");
        }
        Objects.requireNonNull(clock, "clock");
    }

    /** Limits of {@code readsPerMinute} requests and {@code uploadsPerMinute} uploads a minute. */
    public RateLimits(long readsPerMinute, long uploadsPerMinute) {
        this(readsPerMinute, uploadsPerMinute, TimeMeter.SYSTEM_NANOTIME);
    }

    /** The default limits. */
    public static RateLimits defaults() {
        return new RateLimits(DEFAULT_READS_PER_MINUTE, DEFAULT_UPLOADS_PER_MINUTE);
    }

    /** No limits. */
    public static RateLimits none() {
        return new RateLimits(0, 0);
    }

    /** These limits, timed by {@code clock} (for tests). */
    public RateLimits withClock(TimeMeter clock) {
        return new RateLimits(readsPerMinute, uploadsPerMinute, clock);
    }
}
