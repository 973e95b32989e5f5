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

    /**
     * Checks the components.
     *
     * @param readsPerMinute   at least 0
     * @param uploadsPerMinute at least 0
     * @param clock            not null
     * @throws IllegalArgumentException when a limit is negative
     * @throws NullPointerException when {@code clock} is null
     */
    public RateLimits {
        if (readsPerMinute < 0 || uploadsPerMinute < 0) {
            throw new IllegalArgumentException("rate limits must be >= 0 (0 for none)");
        }
        Objects.requireNonNull(clock, "clock");
    }

    /**
     * Limits on the system's monotonic clock.
     *
     * @param readsPerMinute   API requests other than uploads a minute, per identity and per address; 0 for no limit
     * @param uploadsPerMinute uploads a minute, per identity and per address; 0 for no limit
     * @throws IllegalArgumentException when a limit is negative
     */
    public RateLimits(long readsPerMinute, long uploadsPerMinute) {
        this(readsPerMinute, uploadsPerMinute, TimeMeter.SYSTEM_NANOTIME);
    }

    /** {@return the default limits: {@value #DEFAULT_READS_PER_MINUTE} requests and {@value #DEFAULT_UPLOADS_PER_MINUTE} uploads a minute} */
    public static RateLimits defaults() {
        return new RateLimits(DEFAULT_READS_PER_MINUTE, DEFAULT_UPLOADS_PER_MINUTE);
    }

    /** {@return no limits at all} */
    public static RateLimits none() {
        return new RateLimits(0, 0);
    }

    /**
     * These limits, timed by another clock.
     *
     * @param clock the buckets' clock; tests move a manual one by hand
     * @return new limits; these are unchanged
     * @throws NullPointerException when {@code clock} is null
     */
    public RateLimits withClock(TimeMeter clock) {
        return new RateLimits(readsPerMinute, uploadsPerMinute, clock);
    }
}
