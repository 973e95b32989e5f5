package org.modelheritage.store;

/** No provider on the class path accepts the URI; the message lists the URIs that are served. */
public class NoStoreProviderException extends StoreException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was asked for (a URI, a database product) and, for a URI, the forms the
     *     providers found do serve
     */
    public NoStoreProviderException(String message) {
        super(message);
    }
}
