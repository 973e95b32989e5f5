package org.modelheritage.server.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.javalin.http.ContentType;
import io.javalin.http.Context;
import java.io.UncheckedIOException;

/** The one JSON configuration of the API: snake_case names, nulls written out. */
public final class Json {
    private static final ObjectMapper MAPPER = mapper();

    private Json() {
    }

    /**
     * Writes {@code value} as the response body with this configuration, whatever JSON mapper the
     * Javalin app has (a host app mounting the API keeps its own).
     */
    public static void render(Context ctx, Object value) {
        ctx.contentType(ContentType.APPLICATION_JSON).result(write(value));
    }

    /** {@code value} as this configuration writes it. */
    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The JSON mapper of the API: snake_case property names. */
    public static ObjectMapper mapper() {
        return new ObjectMapper()
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
    }
}
