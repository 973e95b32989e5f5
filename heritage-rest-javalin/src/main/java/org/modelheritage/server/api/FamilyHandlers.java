package org.modelheritage.server.api;

import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import java.util.Locale;
import org.modelheritage.lake.FamilyTree;
import org.modelheritage.lake.ModelLake;

/** /api/families: the list, one family's members, its tree in JSON, GraphML or DOT. */
final class FamilyHandlers {
    private final ModelLake lake;

    FamilyHandlers(ModelLake lake) {
        this.lake = lake;
    }

    void list(Context ctx) {
        Paging paging = Paging.of(ctx);
        Json.render(ctx, Views.FamilyPageView.of(lake.families(paging.offset(), paging.limit())));
    }

    void models(Context ctx) {
        String id = ctx.pathParam("id");
        Paging paging = Paging.of(ctx);
        Json.render(ctx, Views.ModelPageView.of(lake.familyModels(id, paging.offset(), paging.limit()).orElseThrow(() -> notFound(id))));
    }

    void tree(Context ctx) {
        String id = ctx.pathParam("id");
        String format = ctx.queryParam("format");
        format = format == null ? "json" : format.toLowerCase(Locale.ROOT);
        if (!format.equals("json") && !format.equals("graphml") && !format.equals("dot")) {
            throw new BadRequestResponse("format must be json, graphml or dot");
        }
        FamilyTree tree = lake.tree(id).orElseThrow(() -> notFound(id));
        switch (format) {
            case "graphml" -> ctx.contentType("application/graphml+xml").result(TreeExport.graphml(tree));
            case "dot" -> ctx.contentType("text/vnd.graphviz").result(TreeExport.dot(tree));
            default -> Json.render(ctx, Views.TreeView.of(tree));
        }
    }

    /** The tree as GraphML: its own operation, so that a generated client gets one answer type per call. */
    void graphml(Context ctx) {
        String id = ctx.pathParam("id");
        ctx.contentType("application/graphml+xml").result(TreeExport.graphml(lake.tree(id).orElseThrow(() -> notFound(id))));
    }

    /** The tree as Graphviz DOT, likewise. */
    void dot(Context ctx) {
        String id = ctx.pathParam("id");
        ctx.contentType("text/vnd.graphviz").result(TreeExport.dot(lake.tree(id).orElseThrow(() -> notFound(id))));
    }

    private static NotFoundResponse notFound(String id) {
        return new NotFoundResponse("no family with id " + id);
    }
}
