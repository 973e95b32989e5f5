package org.modelheritage.lake;

/** The upload went past the lake's size limit; what had arrived was discarded. */
public class UploadTooLargeException extends LakeException {
    private static final long serialVersionUID = 1L;

    private final long limit;

    public UploadTooLargeException(long limit) {
        super("upload larger than the limit of " + limit + " bytes");
        this.limit = limit;
    }

    public long limit() {
        return limit;
    }
}
