package org.modelheritage.server.ops;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.modelheritage.lake.ModelLake;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this server should be sent traffic: the metadata store answers a query on its schema
 * (it migrates when it opens and refuses to open otherwise, so a store that answers is migrated),
 * every worker is alive, and the blob store takes a write. Cheap enough to poll every second: the
 * store check is one primary-key lookup; the blob write runs at most once per {@link #BLOB_PROBE_EVERY}
 * and its result is reused in between.
 */
public final class Readiness {
    private static final Logger log = LoggerFactory.getLogger(Readiness.class);
    static final Duration BLOB_PROBE_EVERY = Duration.ofSeconds(10);

    /** {@code ready} and, per check, "ok" or what is wrong. */
    public record Report(boolean ready, Map<String, String> checks) {
    }

    private final ModelLake lake;
    private String blobResult;
    private long blobCheckedAt;

    public Readiness(ModelLake lake) {
        this.lake = lake;
    }

    public Report check() {
        Map<String, String> checks = new LinkedHashMap<>();
        try {
            lake.metadata().job("readiness-probe");
            checks.put("store", "ok");
        } catch (RuntimeException e) {
            log.warn("readiness: the metadata store failed: {}", e.toString());
            checks.put("store", "unreachable (" + e.getClass().getSimpleName() + ")");
        }
        int alive = lake.liveWorkers();
        int configured = lake.options().workers();
        checks.put("workers", alive >= configured ? "ok" : alive + " of " + configured + " alive");
        checks.put("blobs", blobStore());
        boolean ready = checks.values().stream().allMatch("ok"::equals);
        return new Report(ready, checks);
    }

    private synchronized String blobStore() {
        long now = System.nanoTime();
        if (blobResult == null || now - blobCheckedAt > BLOB_PROBE_EVERY.toNanos()) {
            try {
                lake.probeBlobStore();
                blobResult = "ok";
            } catch (Exception e) {
                log.warn("readiness: the blob store refused a write: {}", e.toString());
                blobResult = "not writable (" + e.getClass().getSimpleName() + ")";
            }
            blobCheckedAt = now;
        }
        return blobResult;
    }
}
