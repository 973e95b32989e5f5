package org.modelheritage.store;

/** A model with this id is already stored; nothing was changed. */
public class DuplicateIdException extends StoreException {
    private static final long serialVersionUID = 1L;
    private final String id;

    public DuplicateIdException(String id) {
        super("a model with id " + id + " already exists");
        this.id = id;
    }

    public String id() {
        return id;
    }
}
