package org.modelheritage.server.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The body of every error response: {@code {"error": "..."}}, plus {@code existing_id} — the
 * model already holding the bytes — for a 409.
 *
 * @param error      what went wrong, for people
 * @param existingId the model already holding the uploaded bytes (a 409); null otherwise, and then left out
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApiError(String error, String existingId) {
    /**
     * An error body without an existing id.
     *
     * @param message what went wrong
     * @return the body {@code {"error": message}}
     */
    public static ApiError of(String message) {
        return new ApiError(message, null);
    }
}
