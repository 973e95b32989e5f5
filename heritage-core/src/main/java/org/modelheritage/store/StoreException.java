package org.modelheritage.store;

/** A store failed: the base of the store's typed exceptions, and the wrapper of I/O and SQL errors. */
public class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception with its message.
     *
     * @param message what failed, for logs and error responses
     */
    public StoreException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its message and cause.
     *
     * @param message what failed, for logs and error responses
     * @param cause   the underlying error (an {@link java.io.IOException}, a {@link java.sql.SQLException}), or null
     */
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
