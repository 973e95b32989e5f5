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
    /**
     * Checks the pool size.
     *
     * @param user     any user, or null
     * @param password any password, or null
     * @param poolSize null, or 1 to 1024
     * @throws IllegalArgumentException when {@code poolSize} is outside 1 to 1024
     */
    public StoreOptions {
        if (poolSize != null && (poolSize < 1 || poolSize > 1024)) {
            throw new IllegalArgumentException("poolSize must be 1 to 1024, got " + poolSize);
        }
    }

    /** {@return options with no user, no password and the provider's pool size} */
    public static StoreOptions defaults() {
        return new StoreOptions(null, null, null);
    }

    /**
     * These options with another database user.
     *
     * @param u the user, or null for the URI's or the driver's default
     * @return new options; these are unchanged
     */
    public StoreOptions withUser(String u) {
        return new StoreOptions(u, password, poolSize);
    }

    /**
     * These options with another database password.
     *
     * @param p the password, or null for none
     * @return new options; these are unchanged
     */
    public StoreOptions withPassword(String p) {
        return new StoreOptions(user, p, poolSize);
    }

    /**
     * These options with another pool size.
     *
     * @param n the most connections the store's pool opens, 1 to 1024
     * @return new options; these are unchanged
     * @throws IllegalArgumentException when {@code n} is outside 1 to 1024
     */
    public StoreOptions withPoolSize(int n) {
        return new StoreOptions(user, password, n);
    }

    /**
     * The options as the provider SPI takes them.
     *
     * @return an unmodifiable map with the keys {@code user}, {@code password} and {@code poolSize}
     *     (decimal), each present only when set
     */
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

    /** {@return the options with the password masked as {@code ***}} */
    @Override
    public String toString() {
        return "StoreOptions[user=" + user + ", password=" + (password == null ? null : "***") + ", poolSize="
                + poolSize + "]";
    }
}
