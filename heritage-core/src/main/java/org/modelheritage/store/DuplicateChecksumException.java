package org.modelheritage.store;

/** Another model already has these bytes (the same checksum); nothing was changed. */
public class DuplicateChecksumException extends StoreException {
    private static final long serialVersionUID = 1L;
    /** The checksum already stored. */
    private final String checksum;
    /** The id of the model holding it. */
    private final String existingModelId;

    /**
     * Creates the exception for a checksum that another model already holds.
     *
     * @param checksum        the SHA-256 the change tried to store a second time
     * @param existingModelId the model stored with it
     */
    public DuplicateChecksumException(String checksum, String existingModelId) {
        super("model " + existingModelId + " already has checksum " + checksum);
        this.checksum = checksum;
        this.existingModelId = existingModelId;
    }

    /** {@return the checksum already stored, 64 lowercase hex digits} */
    public String checksum() {
        return checksum;
    }

    /** {@return the id of the model that has these bytes: the upload is a duplicate of it} */
    public String existingModelId() {
        return existingModelId;
    }
}
