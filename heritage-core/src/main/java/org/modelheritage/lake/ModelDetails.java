package org.modelheritage.lake;

import java.util.List;
import org.modelheritage.store.Family;
import org.modelheritage.store.Model;

/**
 * A model with its family (null until processed) and its place in the family tree.
 *
 * @param model  the model as stored
 * @param family its family; null until processed, or for a model that failed
 * @param parent the main parent: the only one, or a merge's heaviest (null for a root or an
 *     unprocessed model); the model's {@code parentId}
 * @param parents every parent, heaviest first (empty for a root; several for a merge)
 * @param children every model with an edge from this one (a merge's child is a child of each of
 *     its parents), in name order
 */
public record ModelDetails(Model model, Family family, LineageLink parent, List<LineageLink> parents,
                           List<LineageLink> children) {
    /**
     * Copies the lists.
     *
     * @param model    the model
     * @param family   its family, or null
     * @param parent   its main parent, or null
     * @param parents  every parent, not null; copied
     * @param children every child, not null; copied
     * @throws NullPointerException when a list or an element is null
     */
    public ModelDetails {
        parents = List.copyOf(parents);
        children = List.copyOf(children);
    }
}
