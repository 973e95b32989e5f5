package org.modelheritage.store;

import java.time.Instant;
import java.util.Objects;

/**
 * The processing job of one model (at most one per model).
 *
 * @param modelId    the model to process; also the job's key
 * @param state      where the job is: queued, running, done or failed
 * @param attempts   how many times a worker has claimed it, at least 0; requeueing keeps the count
 * @param enqueuedAt when it was last queued, to the millisecond; the oldest queued job is claimed first
 * @param startedAt  when a worker last claimed it; null before the first claim
 * @param finishedAt when it last ended DONE or FAILED; null before
 * @param lastError  the error of the last failed attempt; null when none, or cleared by a success
 * @param owner      the worker that claimed it (while RUNNING), when the store records owners
 * @param leaseUntil until when the owner's claim holds unless renewed; a RUNNING job past it may be
 *                   taken over ({@link MetadataStore#claimNextJob(String, java.time.Duration)})
 */
public record Job(String modelId, JobState state, int attempts, Instant enqueuedAt, Instant startedAt,
                  Instant finishedAt, String lastError, String owner, Instant leaseUntil) {
    /**
     * Checks the components; truncates the timestamps to milliseconds.
     *
     * @param modelId    checked by {@link Ids#requireId}
     * @param state      not null
     * @param attempts   at least 0
     * @param enqueuedAt not null
     * @param startedAt  any instant, or null
     * @param finishedAt any instant, or null
     * @param lastError  any text, or null
     * @param owner      any label, or null
     * @param leaseUntil any instant, or null
     * @throws IllegalArgumentException when {@code modelId} is malformed or {@code attempts} negative
     * @throws NullPointerException when {@code state} or {@code enqueuedAt} is null
     */
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

    /**
     * A job without an owner or lease (stores one process owns need none).
     *
     * @param modelId    the model to process, checked by {@link Ids#requireId}
     * @param state      the job's state, not null
     * @param attempts   how many times it was claimed, at least 0
     * @param enqueuedAt when it was last queued, not null
     * @param startedAt  when it was last claimed, or null
     * @param finishedAt when it last ended, or null
     * @param lastError  the last failure's message, or null
     * @throws IllegalArgumentException when {@code modelId} is malformed or {@code attempts} negative
     * @throws NullPointerException when {@code state} or {@code enqueuedAt} is null
     */
    public Job(String modelId, JobState state, int attempts, Instant enqueuedAt, Instant startedAt,
               Instant finishedAt, String lastError) {
        this(modelId, state, attempts, enqueuedAt, startedAt, finishedAt, lastError, null, null);
    }
}
