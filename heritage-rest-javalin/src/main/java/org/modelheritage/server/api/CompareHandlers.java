package org.modelheritage.server.api;

import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.modelheritage.compare.Comparison;
import org.modelheritage.compare.TensorDelta;
import org.modelheritage.lake.ModelComparison;
import org.modelheritage.lake.ModelLake;

/** /api/compare?a=ID&b=ID: two models compared tensor by tensor. */
final class CompareHandlers {
    private final ModelLake lake;

    CompareHandlers(ModelLake lake) {
        this.lake = lake;
    }

    void compare(Context ctx) throws IOException {
        String a = required(ctx, "a");
        String b = required(ctx, "b");
        for (String id : List.of(a, b)) {
            if (lake.model(id).isEmpty()) {
                throw new NotFoundResponse("no model with id " + id);
            }
        }
        ModelComparison c = lake.compare(a, b).orElseThrow(() -> new NotFoundResponse("no such model"));
        Json.render(ctx, ComparisonView.of(c));
    }

    private static String required(Context ctx, String name) {
        String v = ctx.queryParam(name);
        if (v == null || v.isBlank()) {
            throw new BadRequestResponse("query parameter '" + name + "' (a model id) is required");
        }
        return v.strip();
    }

    /** JSON has no NaN or infinity: such a value is written as null. */
    static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    record Side(String id, String name) {
    }

    record LayerView(String layer, double relativeChange) {
    }

    record SummaryView(String looksLike, String text, Double relativeChange, int compared, int changed,
            Integer adapterRank, List<String> adaptedModules, List<LayerView> mostMoved) {
        static SummaryView of(Comparison.Summary s) {
            return new SummaryView(s.verdict().label(), s.text(), finite(s.relativeChange()), s.compared(), s.changed(),
                    s.adapterRank(), s.adaptedModules(),
                    s.mostMoved().entrySet().stream().map((Map.Entry<String, Double> e) -> new LayerView(e.getKey(), e.getValue()))
                            .toList());
        }
    }

    record TensorView(String name, String nameA, String nameB, String layer, String module, List<Long> shapeA,
            List<Long> shapeB, String status, Double relativeChange, Double cosine, Double maxAbsDelta, Integer rank,
            Integer rankCap, String grid) {
        static TensorView of(TensorDelta t) {
            return new TensorView(t.name(), t.nameA(), t.nameB(), t.layer(), t.module(), t.shapeA(), t.shapeB(),
                    t.status().label(), finite(t.relativeChange()), finite(t.cosine()), finite(t.maxAbsDelta()), t.rank(),
                    t.rankCap(), t.grid());
        }
    }

    record ComparisonView(Side a, Side b, SummaryView summary, List<TensorView> tensors, List<String> added,
            List<String> removed) {
        static ComparisonView of(ModelComparison c) {
            Comparison d = c.comparison();
            return new ComparisonView(new Side(c.a().id(), c.a().name()), new Side(c.b().id(), c.b().name()),
                    SummaryView.of(d.summary()), d.tensors().stream().map(TensorView::of).toList(), d.added(), d.removed());
        }
    }
}
