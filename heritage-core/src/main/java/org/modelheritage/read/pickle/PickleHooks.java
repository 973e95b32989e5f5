package org.modelheritage.read.pickle;

/**
 * What a pickle may do beyond building plain values, decided by the caller. The unpickler never
 * imports, calls or instantiates anything itself: each GLOBAL, REDUCE, NEWOBJ/INST/OBJ, BUILD
 * and persistent id goes through here, and an implementation refuses whatever is not on its
 * allow-list by throwing {@link PickleException}.
 */
public interface PickleHooks {
    /** The value a {@code module.name} global stands for; refuse any global not allowed. */
    Object global(String module, String name) throws PickleException;

    /** REDUCE: {@code callable(*args)}, where callable came from {@link #global}. */
    Object call(Object callable, Py.Tuple args) throws PickleException;

    /** NEWOBJ, NEWOBJ_EX, INST, OBJ: an instance of {@code cls} built from {@code args}. */
    Object instantiate(Object cls, Py.Tuple args) throws PickleException;

    /** BINPERSID / PERSID: the object a persistent id refers to (PyTorch: a storage). */
    Object persistentLoad(Object pid) throws PickleException;

    /** BUILD: sets {@code state} on {@code instance}. */
    void build(Object instance, Object state) throws PickleException;
}
