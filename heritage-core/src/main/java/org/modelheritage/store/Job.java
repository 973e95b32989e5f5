package org.modelheritage.store;

import java.time.Instant;
import java.util.Objects;

/**
 * The processing job of one model (at most one per model).
 *
 * @param owner      the worker that claimed it (while RUNNING), when the store records owners
 * @param leaseUntil until when the owner's claim holds unless renewed; a RUNNING job past it may be
 *                   taken over ({@link MetadataStore#claimNextJob(String, java.time.Duration)})
 */
public record Job(String modelId, JobState state, int attempts, Instant enqueuedAt, Instant startedAt,
                  Instant finishedAt, String lastError, String owner, Instant leaseUntil) {
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
        leaseUntil = Model.millis(leaseUntil);
    }

    /** A job without an owner or lease (stores one process owns need none). */
    public Job(String modelId, JobState state, int attempts, Instant enqueuedAt, Instant startedAt,
               Instant finishedAt, String lastError) {
        this(modelId, state, attempts, enqueuedAt, startedAt, finishedAt, lastError, null, null);
    }
}
