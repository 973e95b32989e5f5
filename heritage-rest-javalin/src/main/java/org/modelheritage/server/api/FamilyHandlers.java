package org.modelheritage.server.api;

import io.javalin.http.BadRequestResponse;
import io.javalin.http.ContentType;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.modelheritage.lake.FamilyTree;
import org.modelheritage.lake.ModelLake;

/**
 * /api/families: the list, one family's members, its tree in JSON, GraphML or DOT. A tree's answer
 * is written once per tree the lake hands out (the lake keeps a family's tree until it changes),
 * not once per request.
 */
final class FamilyHandlers {
    private final ModelLake lake;
    /** The last answer per family and format, with the tree it was written from. */
    private final Map<String, Written> written = new ConcurrentHashMap<>();

    private record Written(FamilyTree tree, byte[] body) {
    }

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
            case "graphml" -> ctx.contentType("application/graphml+xml").result(body(id, "graphml", tree));
            case "dot" -> ctx.contentType("text/vnd.graphviz").result(body(id, "dot", tree));
            default -> ctx.contentType(ContentType.APPLICATION_JSON).result(body(id, "json", tree));
        }
    }

    /** The tree as GraphML: its own operation, so that a generated client gets one answer type per call. */
    void graphml(Context ctx) {
        String id = ctx.pathParam("id");
        ctx.contentType("application/graphml+xml").result(body(id, "graphml", lake.tree(id).orElseThrow(() -> notFound(id))));
    }

    /** The tree as Graphviz DOT, likewise. */
    void dot(Context ctx) {
        String id = ctx.pathParam("id");
        ctx.contentType("text/vnd.graphviz").result(body(id, "dot", lake.tree(id).orElseThrow(() -> notFound(id))));
    }

    /** The tree written in a format: the answer written last when the lake handed out this same tree. */
    private byte[] body(String familyId, String format, FamilyTree tree) {
        String key = format + ':' + familyId;
        Written w = written.get(key);
        if (w != null && w.tree() == tree) {
            return w.body();
        }
        byte[] body = switch (format) {
            case "graphml" -> TreeExport.graphml(tree).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            case "dot" -> TreeExport.dot(tree).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            default -> Json.write(Views.TreeView.of(tree));
        };
        if (written.size() >= 192) {
            written.clear();
        }
        written.put(key, new Written(tree, body));
        return body;
    }

    private static NotFoundResponse notFound(String id) {
        return new NotFoundResponse("no family with id " + id);
    }
}
