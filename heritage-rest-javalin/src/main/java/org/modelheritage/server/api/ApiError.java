package org.modelheritage.server.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The body of every error response: {@code {"error": "..."}}, plus {@code existing_id} — the
 * model already holding the bytes — for a 409.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApiError(String error, String existingId) {
    /** An error body with this message and no existing id. */
    public static ApiError of(String message) {
        return new ApiError(message, null);
    }
}
