package org.modelheritage.store;

/**
 * A model search: case-insensitive substring of the name, optionally within one family and one
 * status; results in alphabetical order of name (case-insensitive, then exact name, then id), one
 * page at a time. Immutable: the {@code with...} methods return new queries.
 */
public record ModelQuery(String nameContains, String familyId, ModelStatus status, int offset, int limit) {
    public static final int DEFAULT_LIMIT = 100;

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

    public ModelQuery withNameContaining(String text) {
        return new ModelQuery(text, familyId, status, offset, limit);
    }

    public ModelQuery inFamily(String family) {
        return new ModelQuery(nameContains, family, status, offset, limit);
    }

    public ModelQuery withStatus(ModelStatus s) {
        return new ModelQuery(nameContains, familyId, s, offset, limit);
    }

    public ModelQuery page(int newOffset, int newLimit) {
        return new ModelQuery(nameContains, familyId, status, newOffset, newLimit);
    }

    /** The search text as adapters match it: lower case, see {@link Ids#nameKey}. */
    public String nameKeyContains() {
        return nameContains == null ? null : Ids.nameKey(nameContains);
    }
}
