package org.modelheritage.server.api;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.NotFoundResponse;
import java.io.IOException;
import java.util.List;
import org.modelheritage.store.Model;
import org.modelheritage.lake.ModelDetails;
import org.modelheritage.lake.ModelLake;
import org.modelheritage.server.access.AccessControl;
import org.modelheritage.server.access.AuditTrail;
import org.modelheritage.server.access.Caller;

/** /api/models: list and search, upload, one model, delete. */
final class ModelHandlers {
    private final ModelLake lake;
    private final AuditTrail audit;

    ModelHandlers(ModelLake lake, AuditTrail audit) {
        this.lake = lake;
        this.audit = audit;
    }

    void list(Context ctx) {
        Paging paging = Paging.of(ctx);
        ctx.json(Views.ModelPageView.of(lake.models(ctx.queryParam("search"), paging.offset(), paging.limit())));
    }

    void upload(Context ctx) throws IOException {
        Model model = MultipartUpload.receive(ctx.req(), lake);
        audit.record(caller(ctx), AuditTrail.MODEL_UPLOAD, model.id(), "name " + model.name() + ", "
                + model.byteSize() + " bytes");
        // the model as added (pending, in no family yet), whatever a worker has done since
        ModelDetails details = new ModelDetails(model, null, null, List.of(), List.of());
        ctx.status(HttpStatus.CREATED).header("Location", "/api/models/" + model.id()).json(Views.ModelDetailView.of(details));
    }

    void get(Context ctx) {
        String id = ctx.pathParam("id");
        ctx.json(Views.ModelDetailView.of(lake.details(id).orElseThrow(() -> notFound(id))));
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
