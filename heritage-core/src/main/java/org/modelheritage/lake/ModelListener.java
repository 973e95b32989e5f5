package org.modelheritage.lake;

import org.modelheritage.store.Model;

/**
 * Told when a model's processing ends ({@link ModelLake#addListener}). Called on the worker thread
 * that processed the model, after the result is stored: keep it short, and hand slow work to an
 * executor of your own. An exception it throws is logged and goes no further.
 */
@FunctionalInterface
public interface ModelListener {
    /** The model as stored: {@link org.modelheritage.store.ModelStatus#READY} or {@code FAILED}. */
    void processed(Model model);
}
