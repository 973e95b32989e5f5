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
     *
     * @param ctx   the request to answer; its content type becomes {@code application/json}
     * @param value the body, serialised with {@link #mapper()}
     * @throws UncheckedIOException when {@code value} cannot be serialised
     */
    public static void render(Context ctx, Object value) {
        ctx.contentType(ContentType.APPLICATION_JSON).result(write(value));
    }

    /**
     * {@code value} as this configuration writes it, in UTF-8: written as bytes, where a String would
     * be built (and its characters widened and narrowed again) only to be encoded for the response.
     */
    static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@return a new JSON mapper configured as the API's: snake_case property names, empty beans allowed} */
    public static ObjectMapper mapper() {
        return new ObjectMapper()
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
    }
}
