package org.modelheritage.lake;

/** The other end of a lineage edge, seen from one model: its parent or one of its children. */
public record LineageLink(String id, String name, double confidence) {
}
