/** The consumer needs only the core at compile time; the SQLite store is found by ServiceLoader. */
module org.modelheritage.consumer {
    requires org.modelheritage.core;
}
