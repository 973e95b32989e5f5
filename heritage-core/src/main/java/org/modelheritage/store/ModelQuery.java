package org.modelheritage.store;

/**
 * A model search: case-insensitive substring of the name, optionally within one family and one
 * status; results in alphabetical order of name (case-insensitive, then exact name, then id), one
 * page at a time. Immutable: the {@code with...} methods return new queries.
 */
public record ModelQuery(String nameContains, String familyId, ModelStatus status, int offset, int limit) {
    /** The page size when none is given. */
    public static final int DEFAULT_LIMIT = 100;

    /** Validates the components. */
    public ModelQuery {
        if (nameContains != null && nameContains.isEmpty()) {
            nameContains = null;
        }
        Ids.optionalId(familyId, "family id");
        if (offset < 0 || limit < 0) {
            throw new IllegalArgumentException("offset and limit must be >= 0, got " + offset + ", " + limit);
        }
    }

    /** Every model, first page. */
    public static ModelQuery all() {
        return new ModelQuery(null, null, null, 0, DEFAULT_LIMIT);
    }

    /** This query, matching names that contain {@code text} (case-insensitive). */
    public ModelQuery withNameContaining(String text) {
        return new ModelQuery(text, familyId, status, offset, limit);
    }

    /** This query, limited to the models of one family. */
    public ModelQuery inFamily(String family) {
        return new ModelQuery(nameContains, family, status, offset, limit);
    }

    /** This query, limited to models with this status. */
    public ModelQuery withStatus(ModelStatus s) {
        return new ModelQuery(nameContains, familyId, s, offset, limit);
    }

    /** This query at another page. */
    public ModelQuery page(int newOffset, int newLimit) {
        return new ModelQuery(nameContains, familyId, status, newOffset, newLimit);
    }

    /** The search text as adapters match it: lower case, see {@link Ids#nameKey}. */
    public String nameKeyContains() {
        return nameContains == null ? null : Ids.nameKey(nameContains);
    }
}
