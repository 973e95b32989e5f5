package org.modelheritage.lake;

import java.util.List;
import java.util.Locale;
import org.modelheritage.store.EdgeKind;
import org.modelheritage.store.Family;

/**
 * A family's recovered genealogy: every member, and every directed parent → child edge: one for
 * each non-root, one per parent for a merge.
 */
public record FamilyTree(Family family, List<Node> nodes, List<Edge> edges) {
    public FamilyTree {
        nodes = List.copyOf(nodes);
        edges = List.copyOf(edges);
    }

    /** A member of the family; {@code root} when it has no parent. */
    public record Node(String id, String name, boolean root, Long parameterCount) {
    }

    /**
     * "child came from parent", with the lineage engine's confidence.
     *
     * @param kind what the relation is, as a label: {@code fine-tune}, {@code duplicate},
     *     {@code quantized}, {@code adapter}, {@code resize}, {@code merge}
     * @param weight the parent's share of the child: its merge weight for a merge, 1 otherwise
     */
    public record Edge(String parentId, String childId, double confidence, String kind, double weight) {

        /** An edge of a single-parent kind (weight 1). */
        public Edge(String parentId, String childId, double confidence, String kind) {
            this(parentId, childId, confidence, kind, 1.0);
        }

        /** The two hold the same weights (up to dtype rounding), so the direction means nothing. */
        public boolean duplicate() {
            return label(EdgeKind.DUPLICATE).equals(kind);
        }

        /** One of several parents of a merged model. */
        public boolean merge() {
            return label(EdgeKind.MERGE).equals(kind);
        }
    }

    /** An edge kind as written in JSON and exports: lower case, hyphenated ({@code fine-tune}). */
    public static String label(EdgeKind kind) {
        return kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
