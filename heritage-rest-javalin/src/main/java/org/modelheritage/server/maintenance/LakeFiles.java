package org.modelheritage.server.maintenance;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.modelheritage.store.MetadataStore;
import org.modelheritage.store.Model;
import org.modelheritage.store.ModelFile;
import org.modelheritage.store.ModelQuery;
import org.modelheritage.store.Page;

/** Walks every model of a store a page at a time, so a large lake is never held whole. */
final class LakeFiles {
    private static final int PAGE = 1000;

    private LakeFiles() {
    }

    static void forEachModel(MetadataStore meta, Consumer<Model> action) {
        int offset = 0;
        while (true) {
            Page<Model> page = meta.searchModels(ModelQuery.all().page(offset, PAGE));
            page.items().forEach(action);
            offset += page.items().size();
            if (page.items().isEmpty() || offset >= page.total()) {
                return;
            }
        }
    }

    /** Every blob some model lists, with the ids of the models listing it, in first-seen order. */
    static Map<String, BlobUse> referencedBlobs(MetadataStore meta) {
        Map<String, BlobUse> out = new LinkedHashMap<>();
        forEachModel(meta, m -> {
            for (ModelFile f : m.files()) {
                out.computeIfAbsent(f.sha256(), k -> new BlobUse(f.size(), new java.util.ArrayList<>())).models().add(m.id());
            }
        });
        return out;
    }

    /** A referenced blob: its size as the models record it, and who lists it. */
    record BlobUse(long size, List<String> models) {
    }

    /** The number of models in the store. */
    static long count(MetadataStore meta) {
        return meta.searchModels(ModelQuery.all().page(0, 1)).total();
    }
}
