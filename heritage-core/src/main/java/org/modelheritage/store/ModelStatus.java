package org.modelheritage.store;

/** Where a model is in processing: pending → processing → ready or failed. */
public enum ModelStatus {
    PENDING, PROCESSING, READY, FAILED
}
