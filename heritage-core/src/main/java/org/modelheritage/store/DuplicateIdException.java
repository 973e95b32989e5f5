package org.modelheritage.store;

/** A record (a model, unless said otherwise) with this id is already stored; nothing was changed. */
public class DuplicateIdException extends StoreException {
    private static final long serialVersionUID = 1L;
    /** The id already taken. */
    private final String id;

    /**
     * Creates the exception for a model id already taken.
     *
     * @param id the model id
     */
    public DuplicateIdException(String id) {
        this("model", id);
    }

    /**
     * Creates the exception for an id already taken by a record of some kind.
     *
     * @param kind what is duplicated, for the message: "model", "token", "audit entry"
     * @param id   the id already taken
     */
    public DuplicateIdException(String kind, String id) {
        super("a " + kind + " with id " + id + " already exists");
        this.id = id;
    }

    /** {@return the id already taken} */
    public String id() {
        return id;
    }
}
