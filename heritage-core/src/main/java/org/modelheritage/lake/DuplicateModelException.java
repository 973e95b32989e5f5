package org.modelheritage.lake;

/** The uploaded bytes are already in the lake, as the model {@link #existingId()}. */
public class DuplicateModelException extends LakeException {
    private static final long serialVersionUID = 1L;

    /** The id of the model already holding these bytes. */
    private final String existingId;
    /** The name of the model already holding these bytes. */
    private final String existingName;

    /**
     * Creates the exception for the model already holding the same bytes.
     *
     * @param existingId   that model's id
     * @param existingName that model's name, for the message
     */
    public DuplicateModelException(String existingId, String existingName) {
        super("these weights are already in the lake as model " + existingId + " (" + existingName + ")");
        this.existingId = existingId;
        this.existingName = existingName;
    }

    /** {@return the id of the model already holding these bytes} */
    public String existingId() {
        return existingId;
    }

    /** {@return the name of the model already holding these bytes} */
    public String existingName() {
        return existingName;
    }
}
