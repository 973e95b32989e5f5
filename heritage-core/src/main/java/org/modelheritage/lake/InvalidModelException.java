package org.modelheritage.lake;

/**
 * The upload cannot become a model: no file, no name, a bad file name, or weights the readers
 * reject (then the reader's {@link org.modelheritage.read.WeightFormatException} is the cause and
 * its reason is in the message). Nothing of the upload is kept.
 */
public class InvalidModelException extends LakeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception with the reason the input was refused.
     *
     * @param message the reason, worded for the uploader ("name is required")
     */
    public InvalidModelException(String message) {
        super(message);
    }

    /**
     * Creates the exception with the reason the input was refused and its cause.
     *
     * @param message the reason, with the file and place the reader names
     * @param cause   the reader's {@link org.modelheritage.read.WeightFormatException}, usually
     */
    public InvalidModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
