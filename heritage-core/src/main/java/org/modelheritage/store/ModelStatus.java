package org.modelheritage.store;

/** Where a model is in processing: pending → processing → ready or failed. */
public enum ModelStatus {
    /** Stored, waiting for a worker. */
    PENDING,
    /** A worker is reading it and placing it in its family. */
    PROCESSING,
    /** Processed: its signature, family and lineage are known. */
    READY,
    /** Processing failed; {@link Model#failureMessage()} says why. */
    FAILED
}
