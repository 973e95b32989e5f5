package org.modelheritage.store;

/** Why a lineage edge exists (the lineage engine's {@code LineageEdge.Kind}, as stored). */
public enum EdgeKind {
    /** The child was fine-tuned from the parent. */
    FINE_TUNE,
    /** The child's weights equal the parent's (identical, a dtype cast, renamed tensors). */
    DUPLICATE,
    /** The child is the parent quantised and dequantised. */
    QUANTIZED,
    /** The child is the parent plus a merged low-rank adapter. */
    ADAPTER,
    /** The child is the parent with its vocabulary resized. */
    RESIZE,
    /** The child is a weighted merge of several parents (one edge per parent). */
    MERGE
}
