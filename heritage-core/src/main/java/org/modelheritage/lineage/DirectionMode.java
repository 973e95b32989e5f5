package org.modelheritage.lineage;

/** Which way a family's direction signal is read. */
public enum DirectionMode {
    /** Edges go the way the signal moves in fine-tuning (kurtosis falls). The paper's mode for fine-tuned trees. */
    FINE_TUNING,
    /** The reverse (kurtosis rises): pre-training and continued pre-training chains. */
    GENERALISATION,
    /**
     * Decided per family: the orientation (root and reading of the signal) with which the most
     * evidence agrees. In a branching tree only one root makes a monotone signal agree on every
     * edge, so the data decide; where two orientations agree equally well (a chain reads both
     * ways), MoTHer's prior decides: kurtosis falls from parent to child; then fine-tuning.
     */
    AUTO
}
