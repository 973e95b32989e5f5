package org.modelheritage.server.api;

import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.List;
import org.modelheritage.lake.Identification;
import org.modelheritage.lake.IdentifyUpload;
import org.modelheritage.lake.ModelLake;
import org.modelheritage.lake.UploadTooLargeException;

/**
 * /api/identify: where uploaded weights would sit in the lake, nothing stored. The body is read
 * like an upload's ({@link MultipartUpload}: the same limit, file names and errors), into a
 * temporary directory the lake deletes whatever happens.
 */
public final class IdentifyHandlers {
    private final ModelLake lake;

    IdentifyHandlers(ModelLake lake) {
        this.lake = lake;
    }

    void identify(Context ctx) throws IOException {
        if (!MultipartParts.isFormData(ctx.req().getContentType())) {
            throw new BadRequestResponse("expected a multipart/form-data body with a file");
        }
        long limit = lake.options().maxUploadBytes();
        if (ctx.req().getContentLengthLong() > limit + MultipartUpload.FRAMING_ALLOWANCE) {
            throw new UploadTooLargeException(limit); // refused before reading a byte
        }
        try (IdentifyUpload probe = lake.beginIdentify()) {
            MultipartParts parts = MultipartParts.of(ctx.req());
            for (MultipartParts.Part part; (part = parts.next()) != null; ) {
                if (part.name().equals("file")) {
                    if (!part.isFile()) {
                        throw new BadRequestResponse("the 'file' field must be a file, not text");
                    }
                    probe.addFile(part.fileName(), part.body());
                }
            }
            Json.render(ctx, IdentificationView.of(probe.identify()));
        }
    }

    /**
     * An identification as {@code POST /api/identify} answers it (the command line prints the same).
     *
     * @param identification what the lake made of the weights
     * @return the JSON tree, snake_case names
     */
    public static com.fasterxml.jackson.databind.JsonNode toJson(Identification identification) {
        return Json.mapper().valueToTree(IdentificationView.of(identification));
    }

    /** The JSON of an {@link Identification}. */
    record IdentificationView(String checksum, String format, long parameterCount, int layerCount, String placement,
            String reason, FamilyMatchView family, Views.LinkView parent, List<Views.LinkView> parents,
            List<Views.LinkView> children, List<CopyView> copies, List<NeighbourView> nearest) {
        static IdentificationView of(Identification i) {
            Identification.FamilyMatch f = i.family();
            return new IdentificationView(i.checksum(), i.format(), i.parameterCount(), i.layerCount(),
                    i.placement().label(), i.placement().reason(),
                    f == null ? null : new FamilyMatchView(f.id(), f.memberCount(), f.rootModelId(), f.rootModelName(),
                            f.alsoJoins()),
                    i.parent().map(Views.LinkView::of).orElse(null),
                    i.parents().stream().map(Views.LinkView::of).toList(),
                    i.children().stream().map(Views.LinkView::of).toList(),
                    i.copies().stream().map(c -> new CopyView(c.id(), c.name(), c.kind().label())).toList(),
                    i.nearest().stream().map(n -> new NeighbourView(n.id(), n.name(), n.distance(), n.correlation()))
                            .toList());
        }
    }

    record FamilyMatchView(String id, long memberCount, String rootId, String rootName, List<String> alsoJoins) {
    }

    record CopyView(String id, String name, String kind) {
    }

    record NeighbourView(String id, String name, double distance, double correlation) {
    }
}
