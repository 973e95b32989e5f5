package org.modelheritage.family;

import java.util.List;
import java.util.Objects;

/**
 * Models that descend from one root: the same architecture (their lineage matrices match up by
 * canonical name and shape), linked by correlated weights.
 *
 * @param id the family's id: its first member in model-id order
 * @param architecture the architecture all members share ({@link
 *     org.modelheritage.signature.ModelSignature#architecture()})
 * @param members model ids, sorted
 */
public record Family(String id, String architecture, List<String> members) {
    public Family {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(architecture, "architecture");
        members = List.copyOf(members);
    }

    public int size() {
        return members.size();
    }
}
