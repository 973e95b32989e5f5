package org.modelheritage.lineage;

/**
 * The per-edge evidence of direction that orients a family's tree. Each signal votes once per
 * changed lineage matrix; its "fine-tuning orientation" is the sign it has along a parent to
 * child edge in the fine-tuning mode.
 */
public enum DirectionSignal {
    /**
     * MoTHer's: the excess kurtosis of the matrix falls from parent to child in fine-tuning
     * (specialisation) and rises in generalisation (pre-training, continued pre-training).
     */
    KURTOSIS,
    /**
     * Ours, for full fine-tuning: in the directions where the update carries no task signal (the
     * lower half of the singular spectrum of child - parent), the child has less energy than the
     * parent in fine-tuning with weight decay (the decay shrinks what the task does not use);
     * under undamped noisy updates it has more. {@link DirectionMode#AUTO} decides which per family.
     */
    SPECTRAL_TAIL,
    /**
     * Ours, for any fine-tuning: in the directions where the update carries the task's signal (the
     * upper half of the singular spectrum of child - parent), the child has more energy than the
     * parent: training writes what the task needs on top of what was there. Unlike the tail it
     * does not turn with weight decay, which shrinks what the task does not use. Merged low-rank
     * adapters read the other way (they remove energy in their few directions).
     */
    HEAD_ENERGY,
    /** The matrix's Frobenius norm grows from parent to child (noise and task signal add energy). */
    NORM,
    /**
     * Rows a fine-tune never touched — an embedding's rows for the tokens its data lacks, which get
     * no gradient — keep their values bit for bit under AdamW without weight decay, and under
     * weight decay all shrink by one common factor: the model whose untouched rows are the other's
     * times a factor below one is the child. Storage rounding leaves the other exact footprint:
     * where two models store a matrix in different precisions and the coarser one's rows are the
     * finer one's rounded, the finer model is the parent (rounding only drops digits;
     * {@code DirectionEvidence.rowDigits}). Decides only where such rows are found (0 elsewhere),
     * and then with near certainty.
     */
    ROW_DECAY,
    /**
     * {@link #KURTOSIS} for families whose differences are low-rank (merged adapters leave the
     * tail directions untouched, so the spectral tail says nothing there). For families
     * fine-tuned in full, both are read and {@link #SPECTRAL_TAIL} decides only when it reads the
     * way it was derived for (in {@link DirectionMode#AUTO}: the child has shed tail energy, as
     * under weight decay) and makes the stronger case (larger net agreement: vote mass agreeing
     * minus disagreeing, at its own best root); otherwise {@link #KURTOSIS} decides. The other
     * signal breaks ties between roots.
     */
    ADAPTIVE
}
