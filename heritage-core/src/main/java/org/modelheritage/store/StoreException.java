package org.modelheritage.store;

/** A store failed: the base of the store's typed exceptions, and the wrapper of I/O and SQL errors. */
public class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with its message. */
    public StoreException(String message) {
        super(message);
    }

    /** Creates the exception with its message and cause. */
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
