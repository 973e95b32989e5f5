package org.modelheritage.lake;

/** Base of the typed failures the lake reports to its callers for bad requests. */
public class LakeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception with its message.
     *
     * @param message what was wrong with the request, worded for the caller
     */
    public LakeException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its message and cause.
     *
     * @param message what was wrong with the request, worded for the caller
     * @param cause   the underlying failure, or null
     */
    public LakeException(String message, Throwable cause) {
        super(message, cause);
    }
}
