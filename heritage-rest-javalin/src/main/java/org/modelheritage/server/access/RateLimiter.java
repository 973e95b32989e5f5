package org.modelheritage.server.access;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Token buckets (Bucket4j, in memory) per identity and per client address, one set for uploads and
 * one for everything else. Over a budget: a 429 with the whole seconds until a request fits again.
 */
final class RateLimiter {
    /** Past this many buckets (a scan from many addresses) they are dropped and start full again. */
    private static final int MAX_BUCKETS = 100_000;

    enum Kind { READ, UPLOAD }

    private final RateLimits limits;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    RateLimiter(RateLimits limits) {
        this.limits = limits;
    }

    /** Takes one request from the budget of {@code who} ("ip:ADDRESS", "id:ACTOR"), or throws a 429. */
    void take(Kind kind, String who) {
        long perMinute = kind == Kind.UPLOAD ? limits.uploadsPerMinute() : limits.readsPerMinute();
        if (perMinute == 0) {
            return;
        }
        if (buckets.size() > MAX_BUCKETS) {
            buckets.clear();
        }
        Bucket bucket = buckets.computeIfAbsent(kind + " " + who, k -> Bucket.builder()
                .addLimit(limit -> limit.capacity(perMinute).refillGreedy(perMinute, Duration.ofMinutes(1)))
                .withCustomTimePrecision(limits.clock())
                .build());
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        if (!probe.isConsumed()) {
            long seconds = Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
            String what = kind == Kind.UPLOAD ? "uploads" : "requests";
            String whose = who.startsWith("ip:") ? "from " + who.substring(3) : "for " + who.substring(3);
            throw new AccessDeniedException(429, "too many " + what + " " + whose + " (at most " + perMinute
                    + " a minute): try again in " + seconds + " s", seconds);
        }
    }
}
