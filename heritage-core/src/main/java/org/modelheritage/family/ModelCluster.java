package org.modelheritage.family;

import java.util.List;
import java.util.Objects;

/**
 * The models clustering puts in one family: the same architecture (their lineage matrices match
 * up by canonical name and shape), linked by correlated weights. It has no id of its own: a
 * family id is what a lake gives the family it stores ({@link org.modelheritage.store.Family}),
 * kept as the family grows; here a cluster is known by its members.
 *
 * @param architecture the architecture all members share ({@link
 *     org.modelheritage.signature.ModelSignature#architecture()})
 * @param members model ids, sorted, at least one
 */
public record ModelCluster(String architecture, List<String> members) {
    /**
     * Checks the components and copies the members.
     *
     * @param architecture not null
     * @param members      at least one id; copied (the caller sorts them)
     * @throws IllegalArgumentException when {@code members} is empty
     * @throws NullPointerException when {@code architecture}, {@code members} or a member is null
     */
    public ModelCluster {
        Objects.requireNonNull(architecture, "architecture");
        members = List.copyOf(members);
        if (members.isEmpty()) {
            throw new IllegalArgumentException("a cluster has at least one member");
        }
        for (int i = 1; i < members.size(); i++) {
            if (members.get(i - 1).compareTo(members.get(i)) >= 0) {
                throw new IllegalArgumentException("members must be sorted and distinct: " + members.get(i - 1)
                        + " before " + members.get(i));
            }
        }
    }

    /** {@return the first member in id order: what clusters are sorted by} */
    public String firstMember() {
        return members.get(0);
    }

    /** {@return the number of members, at least 1} */
    public int size() {
        return members.size();
    }

    /**
     * Whether a model is a member: a binary search of the sorted members.
     *
     * @param modelId a model id
     * @return true when it is among {@link #members()}
     */
    public boolean contains(String modelId) {
        return java.util.Collections.binarySearch(members, modelId) >= 0;
    }
}
