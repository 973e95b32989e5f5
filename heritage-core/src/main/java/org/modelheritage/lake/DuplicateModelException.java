package org.modelheritage.lake;

/** The uploaded bytes are already in the lake, as the model {@link #existingId()}. */
public class DuplicateModelException extends LakeException {
    private static final long serialVersionUID = 1L;

    private final String existingId;
    private final String existingName;

    public DuplicateModelException(String existingId, String existingName) {
        super("these weights are already in the lake as model " + existingId + " (" + existingName + ")");
        this.existingId = existingId;
        this.existingName = existingName;
    }

    public String existingId() {
        return existingId;
    }

    public String existingName() {
        return existingName;
    }
}
