package org.modelheritage.server.api;

import java.io.IOException;

/**
 * The request body is not well-formed {@code multipart/form-data}. An IOException so that it
 * passes unchanged through the streams a part's body is copied into.
 */
public class MalformedMultipartException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception with what was malformed.
     *
     * @param message what was wrong with the body, for the 400 answer
     */
    public MalformedMultipartException(String message) {
        super(message);
    }
}
