package org.modelheritage.store;

/** The store is open for writing elsewhere (another process, or another handle in this one). */
public class StoreLockedException extends StoreException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception with its message.
     *
     * @param message the store and who holds it, as far as known (this process, or another process's
     *     owner record)
     */
    public StoreLockedException(String message) {
        super(message);
    }
}
