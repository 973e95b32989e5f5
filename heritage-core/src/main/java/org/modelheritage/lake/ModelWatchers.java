package org.modelheritage.lake;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.modelheritage.store.Model;
import org.modelheritage.store.ModelStatus;

/** The futures waiting on models of a lake; settled by the workers. */
final class ModelWatchers {
    private final Map<String, List<CompletableFuture<Model>>> waiting = new HashMap<>();

    static boolean settled(Model m) {
        return m.status() == ModelStatus.READY || m.status() == ModelStatus.FAILED;
    }

    /** A future for the model, settled by {@link #finished} or at once when {@code current} already is. */
    CompletableFuture<Model> watch(String modelId, Supplier<java.util.Optional<Model>> current,
                                   Supplier<RuntimeException> missing) {
        CompletableFuture<Model> f = new CompletableFuture<>();
        synchronized (this) {
            waiting.computeIfAbsent(modelId, k -> new ArrayList<>()).add(f);
        }
        // read after registering, so a completion in between is seen by one side or the other
        java.util.Optional<Model> now = current.get();
        if (now.isEmpty()) {
            forget(modelId, f);
            f.completeExceptionally(missing.get());
        } else if (settled(now.get())) {
            forget(modelId, f);
            f.complete(now.get());
        }
        return f;
    }

    private synchronized void forget(String modelId, CompletableFuture<Model> f) {
        List<CompletableFuture<Model>> list = waiting.get(modelId);
        if (list != null) {
            list.remove(f);
            if (list.isEmpty()) {
                waiting.remove(modelId);
            }
        }
    }

    private synchronized List<CompletableFuture<Model>> take(String modelId) {
        List<CompletableFuture<Model>> list = waiting.remove(modelId);
        return list == null ? List.of() : list;
    }

    /** The model's processing ended (READY or FAILED, as stored): its futures complete. */
    void finished(Model model) {
        take(model.id()).forEach(f -> f.complete(model));
    }

    /** The model is gone (removed) or will not be processed here (closing): its futures fail. */
    void abandon(String modelId, RuntimeException why) {
        take(modelId).forEach(f -> f.completeExceptionally(why));
    }

    /** Every waiting future fails: the lake closed. */
    void abandonAll(Supplier<RuntimeException> why) {
        Map<String, List<CompletableFuture<Model>>> all;
        synchronized (this) {
            all = new HashMap<>(waiting);
            waiting.clear();
        }
        all.values().forEach(list -> list.forEach(f -> f.completeExceptionally(why.get())));
    }
}
