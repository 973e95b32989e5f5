package org.modelheritage.lake;

import java.util.List;
import org.modelheritage.store.Family;
import org.modelheritage.store.Model;

/**
 * A model with its family (null until processed) and its place in the family tree: its parent
 * (null for a root or an unprocessed model) and its children.
 */
public record ModelDetails(Model model, Family family, LineageLink parent, List<LineageLink> children) {
    public ModelDetails {
        children = List.copyOf(children);
    }
}
