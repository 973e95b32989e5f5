package org.modelheritage.family;

import java.util.List;
import java.util.Objects;

/**
 * Models that descend from one root: same structure, linked by correlated weights.
 *
 * @param id the family's id: its first member in model-id order
 * @param structuralHash the structure all members share
 * @param members model ids, sorted
 */
public record Family(String id, String structuralHash, List<String> members) {
    public Family {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(structuralHash, "structuralHash");
        members = List.copyOf(members);
    }

    public int size() {
        return members.size();
    }
}
