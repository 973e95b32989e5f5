package org.modelheritage.lake;

import java.util.List;
import org.modelheritage.lineage.LineageEdge;
import org.modelheritage.store.ChangeSet;
import org.modelheritage.store.Family;

/**
 * For tests of what lies downstream of the lineage engine (the lake's reads, the REST API, the
 * web pages): puts a family's lineage in the lake's store as given, merges included, without
 * depending on what the engine recognises. Call it while the lake is idle; the next add or remove
 * in that family recomputes the lineage with the engine.
 */
public final class LakeLineage {
    private LakeLineage() {
    }

    public static void replace(ModelLake lake, String familyId, String rootId, List<LineageEdge> edges) {
        Family f = lake.family(familyId).orElseThrow(() -> new IllegalArgumentException("no family " + familyId));
        lake.apply(ChangeSet.builder().putFamily(familyId, f.structuralHash(), rootId)
                .replaceLineage(familyId, edges).build());
    }
}
