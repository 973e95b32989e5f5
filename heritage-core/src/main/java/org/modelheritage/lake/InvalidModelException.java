package org.modelheritage.lake;

/**
 * The upload cannot become a model: no file, no name, a bad file name, or weights the readers
 * reject (then the reader's {@link org.modelheritage.read.WeightFormatException} is the cause and
 * its reason is in the message). Nothing of the upload is kept.
 */
public class InvalidModelException extends LakeException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with the reason the input was refused. */
    public InvalidModelException(String message) {
        super(message);
    }

    /** Creates the exception with the reason the input was refused and its cause. */
    public InvalidModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
