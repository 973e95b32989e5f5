package org.modelheritage.store;

import java.io.IOException;

/** A blob was longer than the limit given to {@link BlobStore#put(java.io.InputStream, long)}; nothing was kept. */
public class BlobTooLargeException extends IOException {
    private static final long serialVersionUID = 1L;
    /** The limit, in bytes. */
    private final long limit;

    /**
     * Creates the exception for a blob over {@code limit} bytes.
     *
     * @param limit the most bytes the put accepted
     */
    public BlobTooLargeException(long limit) {
        super("blob is larger than the limit of " + limit + " bytes");
        this.limit = limit;
    }

    /** {@return the limit the blob went over, in bytes} */
    public long limit() {
        return limit;
    }
}
