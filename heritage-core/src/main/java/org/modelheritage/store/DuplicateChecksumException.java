package org.modelheritage.store;

/** Another model already has these bytes (the same checksum); nothing was changed. */
public class DuplicateChecksumException extends StoreException {
    private static final long serialVersionUID = 1L;
    /** The checksum already stored. */
    private final String checksum;
    /** The id of the model holding it. */
    private final String existingModelId;

    /** Creates the exception for a checksum that model {@code existingModelId} already holds. */
    public DuplicateChecksumException(String checksum, String existingModelId) {
        super("model " + existingModelId + " already has checksum " + checksum);
        this.checksum = checksum;
        this.existingModelId = existingModelId;
    }

    /** The checksum already stored. */
    public String checksum() {
        return checksum;
    }

    /** The model that has these bytes. */
    public String existingModelId() {
        return existingModelId;
    }
}
