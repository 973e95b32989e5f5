package org.modelheritage.store;

import java.util.List;

/**
 * One page of results and the total number of matches.
 *
 * @param <T>    the kind of result
 * @param items  this page's results, at most {@code limit}; unmodifiable
 * @param total  how many results match in all, across every page
 * @param offset how many results come before this page, as asked
 * @param limit  the page size asked for
 */
public record Page<T>(List<T> items, long total, int offset, int limit) {
    /**
     * Copies the items.
     *
     * @param items  the page's results, not null, none null; copied
     * @param total  the number of matches in all
     * @param offset the page's offset
     * @param limit  the page size
     * @throws NullPointerException when {@code items} or one of them is null
     */
    public Page {
        items = List.copyOf(items);
    }
}
