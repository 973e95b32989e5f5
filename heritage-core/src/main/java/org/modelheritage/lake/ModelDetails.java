package org.modelheritage.lake;

import java.util.List;
import org.modelheritage.store.Family;
import org.modelheritage.store.Model;

/**
 * A model with its family (null until processed) and its place in the family tree.
 *
 * @param parent the main parent: the only one, or a merge's heaviest (null for a root or an
 *     unprocessed model); the model's {@code parentId}
 * @param parents every parent, heaviest first (empty for a root; several for a merge)
 * @param children every model with an edge from this one (a merge's child is a child of each of
 *     its parents), in name order
 */
public record ModelDetails(Model model, Family family, LineageLink parent, List<LineageLink> parents,
                           List<LineageLink> children) {
    /** Validates the components. */
    public ModelDetails {
        parents = List.copyOf(parents);
        children = List.copyOf(children);
    }
}
