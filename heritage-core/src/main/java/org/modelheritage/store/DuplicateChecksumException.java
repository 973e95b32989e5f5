package org.modelheritage.store;

/** Another model already has these bytes (the same checksum); nothing was changed. */
public class DuplicateChecksumException extends StoreException {
    private static final long serialVersionUID = 1L;
    private final String checksum;
    private final String existingModelId;

    public DuplicateChecksumException(String checksum, String existingModelId) {
        super("model " + existingModelId + " already has checksum " + checksum);
        this.checksum = checksum;
        this.existingModelId = existingModelId;
    }

    public String checksum() {
        return checksum;
    }

    /** The model that has these bytes. */
    public String existingModelId() {
        return existingModelId;
    }
}
