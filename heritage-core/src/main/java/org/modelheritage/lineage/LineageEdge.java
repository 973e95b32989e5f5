package org.modelheritage.lineage;

import java.util.Locale;
import java.util.Objects;

/**
 * One recovered parent to child relation. A child has one edge, except a merge, which has one
 * edge per parent, each with its merge weight.
 *
 * @param parent the parent model's id
 * @param child the child model's id
 * @param kind what the relation is
 * @param confidence in [0, 1]: the calibrated probability that this parent, in this direction, is
 *     right (see the README's "Confidence")
 * @param distance the distance the tree was built on, for this pair
 * @param weight the parent's share of the child: its merge weight for a {@link Kind#MERGE} edge
 *     (the weights of a merge's parents sum to about one), 1 for every other kind
 */
public record LineageEdge(String parent, String child, Kind kind, double confidence, double distance,
        double weight) {

    /** What an edge says. */
    public enum Kind {
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

        /** The lower-case, hyphenated name used in JSON and exports: {@code fine-tune}, {@code quantized}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** The kind of a {@link #label()}. */
        public static Kind ofLabel(String label) {
            return valueOf(label.toUpperCase(Locale.ROOT).replace('-', '_'));
        }
    }

    public LineageEdge {
        Objects.requireNonNull(parent, "parent");
        Objects.requireNonNull(child, "child");
        Objects.requireNonNull(kind, "kind");
        if (!(confidence >= 0 && confidence <= 1)) {
            throw new IllegalArgumentException("confidence outside [0, 1]: " + confidence);
        }
        if (!(weight > 0 && weight <= 1)) {
            throw new IllegalArgumentException("weight outside (0, 1]: " + weight);
        }
    }

    /** An edge of a single parent (weight 1). */
    public LineageEdge(String parent, String child, Kind kind, double confidence, double distance) {
        this(parent, child, kind, confidence, distance, 1.0);
    }
}
