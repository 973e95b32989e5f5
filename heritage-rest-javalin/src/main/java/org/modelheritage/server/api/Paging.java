package org.modelheritage.server.api;

import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;

/** The {@code offset} and {@code limit} query parameters of list endpoints. */
record Paging(int offset, int limit) {
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;

    static Paging of(Context ctx) {
        int offset = parse(ctx.queryParam("offset"), "offset", 0, Integer.MAX_VALUE, 0);
        int limit = parse(ctx.queryParam("limit"), "limit", 1, MAX_LIMIT, DEFAULT_LIMIT);
        return new Paging(offset, limit);
    }

    static int parse(String raw, String name, int min, int max, int absent) {
        if (raw == null || raw.isBlank()) {
            return absent;
        }
        try {
            int v = Integer.parseInt(raw.trim());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new BadRequestResponse(name + " must be an integer from " + min + " to " + max);
    }
}
