package org.modelheritage.store;

/** A processing job's state. */
public enum JobState {
    /** Waiting for a worker. */
    QUEUED,
    /** Claimed by a worker; left here by a crash until {@link MetadataStore#requeueInterruptedJobs()}. */
    RUNNING,
    /** Processing finished. */
    DONE,
    /** Processing failed; the job keeps the error. */
    FAILED
}
