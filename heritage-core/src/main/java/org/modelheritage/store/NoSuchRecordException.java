package org.modelheritage.store;

/** A change named a model, family or job that is not in the store; nothing was changed. */
public class NoSuchRecordException extends StoreException {
    private static final long serialVersionUID = 1L;
    /** The kind of record, e.g. {@code "model"}. */
    private final String kind;
    /** The id that was not found. */
    private final String id;

    /**
     * Creates the exception for a record of this kind and id that is not stored.
     *
     * @param kind the kind of record: "model", "family", "job", "token"
     * @param id   the id that was not found
     */
    public NoSuchRecordException(String kind, String id) {
        super("no " + kind + " with id " + id);
        this.kind = kind;
        this.id = id;
    }

    /** {@return the kind of record that was missing: "model", "family", "job" or "token"} */
    public String kind() {
        return kind;
    }

    /** {@return the id that was not found} */
    public String id() {
        return id;
    }
}
