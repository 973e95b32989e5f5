package org.modelheritage.store;

/**
 * A model search: case-insensitive substring of the name, optionally within one family and one
 * status; results in alphabetical order of name (case-insensitive, then exact name, then id), one
 * page at a time. Immutable: the {@code with...} methods return new queries.
 *
 * @param nameContains text the name must contain, case-insensitively; null (or empty) matches every name
 * @param familyId     only models of this family; null for any family
 * @param status       only models in this status; null for any status
 * @param offset       how many matches to skip, at least 0
 * @param limit        the most models to return, at least 0
 */
public record ModelQuery(String nameContains, String familyId, ModelStatus status, int offset, int limit) {
    /** The page size when none is given. */
    public static final int DEFAULT_LIMIT = 100;

    /**
     * Checks the components; an empty {@code nameContains} becomes null.
     *
     * @param nameContains any text, or null
     * @param familyId     null or checked by {@link Ids#requireId}
     * @param status       any status, or null
     * @param offset       at least 0
     * @param limit        at least 0
     * @throws IllegalArgumentException when {@code familyId} is malformed or {@code offset} or {@code limit} is negative
     */
    public ModelQuery {
        if (nameContains != null && nameContains.isEmpty()) {
            nameContains = null;
        }
        Ids.optionalId(familyId, "family id");
        if (offset < 0 || limit < 0) {
            throw new IllegalArgumentException("offset and limit must be >= 0, got " + offset + ", " + limit);
        }
    }

    /** {@return a query for every model, first page of {@value #DEFAULT_LIMIT}} */
    public static ModelQuery all() {
        return new ModelQuery(null, null, null, 0, DEFAULT_LIMIT);
    }

    /**
     * This query, matching names that contain {@code text} (case-insensitive).
     *
     * @param text the substring; null or empty matches every name
     * @return a new query; this one is unchanged
     */
    public ModelQuery withNameContaining(String text) {
        return new ModelQuery(text, familyId, status, offset, limit);
    }

    /**
     * This query, limited to the models of one family.
     *
     * @param family the family's id, or null for any family
     * @return a new query; this one is unchanged
     * @throws IllegalArgumentException when {@code family} is malformed
     */
    public ModelQuery inFamily(String family) {
        return new ModelQuery(nameContains, family, status, offset, limit);
    }

    /**
     * This query, limited to models with this status.
     *
     * @param s the status, or null for any status
     * @return a new query; this one is unchanged
     */
    public ModelQuery withStatus(ModelStatus s) {
        return new ModelQuery(nameContains, familyId, s, offset, limit);
    }

    /**
     * This query at another page.
     *
     * @param newOffset how many matches to skip, at least 0
     * @param newLimit  the page size, at least 0
     * @return a new query; this one is unchanged
     * @throws IllegalArgumentException when an argument is negative
     */
    public ModelQuery page(int newOffset, int newLimit) {
        return new ModelQuery(nameContains, familyId, status, newOffset, newLimit);
    }

    /** {@return the search text as adapters match it: lower case (see {@link Ids#nameKey}), or null for any name} */
    public String nameKeyContains() {
        return nameContains == null ? null : Ids.nameKey(nameContains);
    }
}
