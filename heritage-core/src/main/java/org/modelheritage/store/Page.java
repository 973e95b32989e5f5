package org.modelheritage.store;

import java.util.List;

/** One page of results and the total number of matches. */
public record Page<T>(List<T> items, long total, int offset, int limit) {
    /** Validates the components. */
    public Page {
        items = List.copyOf(items);
    }
}
