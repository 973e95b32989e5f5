package org.modelheritage.lineage;

import java.util.Locale;

/** What a lineage edge says about how the child came from the parent. */
public enum EdgeKind {
    /** The child was trained from the parent (full fine-tuning, continued pre-training). */
    FINE_TUNE,
    /**
     * The child is the parent's weights again: identical, a dtype cast, or the same weights under
     * other tensor names. The weights cannot tell which copy came first: the parent is the one
     * with the finer precision, on equal precision the one whose weights hash first.
     */
    DUPLICATE,
    /** The child is the parent quantised (values on a per-channel or per-group grid), then dequantised. */
    QUANTIZED,
    /** The child is the parent plus a merged low-rank update (LoRA and the like). */
    ADAPTER,
    /** The child is the parent with its vocabulary extended or cut (and possibly trained after). */
    RESIZE,
    /** The child is a weighted combination of several parents: one edge per parent. */
    MERGE;

    /** {@return the lower-case, hyphenated name used in JSON and exports: {@code fine-tune}, {@code quantized}} */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * The kind of a {@link #label()}.
     *
     * @param label a label such as {@code fine-tune}; case-insensitive, and {@code fine_tune} is accepted too
     * @return the kind
     * @throws IllegalArgumentException for a label of no kind
     * @throws NullPointerException when {@code label} is null
     */
    public static EdgeKind ofLabel(String label) {
        return valueOf(label.toUpperCase(Locale.ROOT).replace('-', '_'));
    }
}
