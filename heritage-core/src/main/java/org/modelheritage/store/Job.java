package org.modelheritage.store;

import java.time.Instant;
import java.util.Objects;

/** The processing job of one model (at most one per model). */
public record Job(String modelId, JobState state, int attempts, Instant enqueuedAt, Instant startedAt,
                  Instant finishedAt, String lastError) {
    /** Validates the components. */
    public Job {
        Ids.requireId(modelId, "model id");
        Objects.requireNonNull(state, "job state");
        if (attempts < 0) {
            throw new IllegalArgumentException("attempts must be >= 0");
        }
        enqueuedAt = Model.millis(Objects.requireNonNull(enqueuedAt, "enqueuedAt"));
        startedAt = Model.millis(startedAt);
        finishedAt = Model.millis(finishedAt);
    }
}
