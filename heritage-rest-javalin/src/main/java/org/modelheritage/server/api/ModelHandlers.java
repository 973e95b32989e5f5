package org.modelheritage.server.api;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.NotFoundResponse;
import java.io.IOException;
import java.util.List;
import org.modelheritage.lake.ModelDetails;
import org.modelheritage.lake.ModelLake;
import org.modelheritage.server.access.AccessControl;
import org.modelheritage.server.access.AuditTrail;
import org.modelheritage.server.access.Caller;
import org.modelheritage.store.Model;

/** /api/models: list and search, upload, one model, delete. */
final class ModelHandlers {
    private final ModelLake lake;
    private final AuditTrail audit;
    private final String basePath;

    ModelHandlers(ModelLake lake, AuditTrail audit, String basePath) {
        this.lake = lake;
        this.audit = audit;
        this.basePath = basePath;
    }

    void list(Context ctx) {
        Paging paging = Paging.of(ctx);
        Json.render(ctx, Views.ModelPageView.of(lake.models(ctx.queryParam("search"), paging.offset(), paging.limit())));
    }

    void upload(Context ctx) throws IOException {
        Model model = MultipartUpload.receive(ctx.req(), lake);
        audit.record(caller(ctx), AuditTrail.MODEL_UPLOAD, model.id(), "name " + model.name() + ", "
                + model.byteSize() + " bytes");
        // the model as added (pending, in no family yet), whatever a worker has done since
        ModelDetails details = new ModelDetails(model, null, null, List.of(), List.of());
        Json.render(ctx.status(HttpStatus.CREATED).header("Location", basePath + "/api/models/" + model.id()), Views.ModelDetailView.of(details));
    }

    void get(Context ctx) {
        String id = ctx.pathParam("id");
        Json.render(ctx, Views.ModelDetailView.of(lake.details(id).orElseThrow(() -> notFound(id))));
    }

    void delete(Context ctx) {
        String id = ctx.pathParam("id");
        String name = lake.model(id).map(Model::name).orElse(null);
        if (!lake.remove(id)) {
            throw notFound(id);
        }
        audit.record(caller(ctx), AuditTrail.MODEL_DELETE, id, name == null ? null : "name " + name);
        ctx.status(HttpStatus.NO_CONTENT);
    }

    private static Caller caller(Context ctx) {
        return AccessControl.caller(ctx).orElseThrow();
    }

    private static NotFoundResponse notFound(String id) {
        return new NotFoundResponse("no model with id " + id);
    }
}
