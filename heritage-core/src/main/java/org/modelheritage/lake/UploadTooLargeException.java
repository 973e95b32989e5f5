package org.modelheritage.lake;

/** The upload went past the lake's size limit; what had arrived was discarded. */
public class UploadTooLargeException extends LakeException {
    private static final long serialVersionUID = 1L;

    /** The limit, in bytes. */
    private final long limit;

    /**
     * Creates the exception for an upload over {@code limit} bytes.
     *
     * @param limit the lake's upload limit, {@link LakeOptions#maxUploadBytes()}
     */
    public UploadTooLargeException(long limit) {
        super("upload larger than the limit of " + limit + " bytes");
        this.limit = limit;
    }

    /** {@return the upload limit that was passed, in bytes} */
    public long limit() {
        return limit;
    }
}
