package org.modelheritage.store;

/** Why a lineage edge exists. */
public enum EdgeKind {
    /** The child was fine-tuned from the parent. */
    FINE_TUNE,
    /** The child's weights equal the parent's. */
    DUPLICATE
}
