package org.modelheritage.lake;

/** The lineage engines the lake can run with. */
final class LineageAdapters {
    private LineageAdapters() {
    }

    /** The library's incremental engine with its default recipe: what {@code eval} runs. */
    static LineageAdapter standard() {
        return new IncrementalLineage();
    }
}
