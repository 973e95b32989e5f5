package org.modelheritage.store;

/** A change named a model, family or job that is not in the store; nothing was changed. */
public class NoSuchRecordException extends StoreException {
    private static final long serialVersionUID = 1L;
    private final String kind;
    private final String id;

    public NoSuchRecordException(String kind, String id) {
        super("no " + kind + " with id " + id);
        this.kind = kind;
        this.id = id;
    }

    /** "model", "family" or "job". */
    public String kind() {
        return kind;
    }

    public String id() {
        return id;
    }
}
