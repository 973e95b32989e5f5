package org.modelheritage.lake;

import java.time.Duration;
import org.modelheritage.store.JobState;
import org.modelheritage.store.Model;

/**
 * What a running lake reports about its work, for metrics and for applications waiting on models
 * (see also {@link ModelLake#whenProcessed}): register one with
 * {@link ModelLake#addListener}. Called on the thread that did the work, so an implementation
 * returns quickly and never throws (what it throws is logged and dropped). Every method does
 * nothing by default.
 */
public interface LakeListener {

    /**
     * An upload ended: {@code accepted} when it became a model, false when it was refused or
     * abandoned (bad weights, a duplicate, too large, the client gone).
     *
     * @param accepted true when the upload became a model
     * @param bytes    the bytes received, all files together
     * @param duration from {@link ModelLake#beginUpload} to the end
     */
    default void uploadEnded(boolean accepted, long bytes, Duration duration) {
    }

    /**
     * A worker finished a job.
     *
     * @param outcome  {@link JobState#DONE} or {@link JobState#FAILED}
     * @param duration from the claim to the end, signature and lineage included
     */
    default void jobFinished(JobState outcome, Duration duration) {
    }

    /**
     * The lineage engine placed a model in its family and recomputed the family's lineage.
     *
     * @param familySize the family's member count now
     * @param duration   how long placing and recomputing took
     */
    default void lineageUpdated(int familySize, Duration duration) {
    }

    /**
     * A model's processing ended: {@code model} is as stored, {@link org.modelheritage.store.ModelStatus#READY}
     * or {@code FAILED} (with its {@link Model#failureMessage()}).
     *
     * @param model the model as stored after processing
     */
    default void modelProcessed(Model model) {
    }
}
