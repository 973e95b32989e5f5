package org.modelheritage.lake;

/** Base of the typed failures the lake reports to its callers for bad requests. */
public class LakeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with its message. */
    public LakeException(String message) {
        super(message);
    }

    /** Creates the exception with its message and cause. */
    public LakeException(String message, Throwable cause) {
        super(message, cause);
    }
}
