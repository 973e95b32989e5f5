package org.modelheritage.store;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Typed connection options for a store opened by URI, passed to its provider (as the option map
 * of {@link MetadataStoreProvider#open}): credentials stay out of the URI, and the pool size is a
 * number, not a string. A provider ignores what it has no use for.
 *
 * <pre>{@code
 * StoreOptions.defaults().withUser("heritage").withPassword(secret).withPoolSize(16)
 * }</pre>
 *
 * @param user the database user, null for the URI's or the driver's default
 * @param password the database password, null for none (never printed by {@link #toString()})
 * @param poolSize the most connections the store's pool opens (for SQLite: its read pool), null
 *     for the provider's default
 */
public record StoreOptions(String user, String password, Integer poolSize) {
    public StoreOptions {
        if (poolSize != null && (poolSize < 1 || poolSize > 1024)) {
            throw new IllegalArgumentException("poolSize must be 1 to 1024, got " + poolSize);
        }
    }

    /** No user, no password, the provider's pool size. */
    public static StoreOptions defaults() {
        return new StoreOptions(null, null, null);
    }

    public StoreOptions withUser(String u) {
        return new StoreOptions(u, password, poolSize);
    }

    public StoreOptions withPassword(String p) {
        return new StoreOptions(user, p, poolSize);
    }

    public StoreOptions withPoolSize(int n) {
        return new StoreOptions(user, password, n);
    }

    /** The options as the provider SPI takes them: keys {@code user}, {@code password}, {@code poolSize}. */
    public Map<String, String> asMap() {
        Map<String, String> m = new LinkedHashMap<>();
        if (user != null) {
            m.put("user", user);
        }
        if (password != null) {
            m.put("password", password);
        }
        if (poolSize != null) {
            m.put("poolSize", poolSize.toString());
        }
        return Map.copyOf(m);
    }

    @Override
    public String toString() {
        return "StoreOptions[user=" + user + ", password=" + (password == null ? null : "***") + ", poolSize="
                + poolSize + "]";
    }
}
