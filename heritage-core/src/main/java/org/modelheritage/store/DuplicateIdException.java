package org.modelheritage.store;

/** A record (a model, unless said otherwise) with this id is already stored; nothing was changed. */
public class DuplicateIdException extends StoreException {
    private static final long serialVersionUID = 1L;
    /** The id already taken. */
    private final String id;

    /** Creates the exception for an id already taken. */
    public DuplicateIdException(String id) {
        this("model", id);
    }

    /** {@code kind} names what is duplicated: "model", "token", "audit entry". */
    public DuplicateIdException(String kind, String id) {
        super("a " + kind + " with id " + id + " already exists");
        this.id = id;
    }

    /** The id already taken. */
    public String id() {
        return id;
    }
}
