package org.modelheritage.lake;

/** The lineage engines the lake can run with. */
final class LineageAdapters {
    /** The statistics format version the lake stores signatures under. */
    static final String STATISTICS_VERSION = StructureOnlyLineage.VERSION;

    private LineageAdapters() {
    }

    static LineageAdapter standard() {
        return new StructureOnlyLineage();
    }
}
