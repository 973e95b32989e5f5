package org.modelheritage.store;

/** A change named a model, family or job that is not in the store; nothing was changed. */
public class NoSuchRecordException extends StoreException {
    private static final long serialVersionUID = 1L;
    /** The kind of record, e.g. {@code "model"}. */
    private final String kind;
    /** The id that was not found. */
    private final String id;

    /** Creates the exception for a record of this kind and id that is not stored. */
    public NoSuchRecordException(String kind, String id) {
        super("no " + kind + " with id " + id);
        this.kind = kind;
        this.id = id;
    }

    /** "model", "family" or "job". */
    public String kind() {
        return kind;
    }

    /** The id that was not found. */
    public String id() {
        return id;
    }
}
