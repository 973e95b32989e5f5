package org.modelheritage.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import javax.sql.DataSource;
import org.modelheritage.store.MetadataStore;
import org.modelheritage.store.MetadataStoreProvider;
import org.modelheritage.store.StoreException;

/**
 * {@code jdbc:postgresql://HOST[:PORT]/DB[?currentSchema=SCHEMA&user=U&password=P]}: a shared server.
 * The schema (created if missing) is migrated on open. Options {@code user}, {@code password}
 * (instead of URL parameters) and {@code poolSize} (default 8; also a URL parameter, which the
 * driver ignores): more than the process's worker threads, since each holds a connection for its
 * family group's lock while it places a model.
 */
public final class PostgresStoreProvider implements MetadataStoreProvider {
    private static final String PREFIX = "jdbc:postgresql:";

    @Override
    public String name() {
        return "postgresql";
    }

    @Override
    public String uriSyntax() {
        return "jdbc:postgresql://HOST[:PORT]/DB[?currentSchema=SCHEMA]";
    }

    @Override
    public boolean accepts(URI uri) {
        return uri.toString().startsWith(PREFIX);
    }

    @Override
    public MetadataStore open(URI uri, Map<String, String> options) {
        String url = uri.toString();
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("heritage-postgresql");
        hc.setJdbcUrl(url);
        if (options.containsKey("user")) {
            hc.setUsername(options.get("user"));
        }
        if (options.containsKey("password")) {
            hc.setPassword(options.get("password"));
        }
        hc.addDataSourceProperty("reWriteBatchedInserts", "true"); // a batch of inserts is one statement
        // a URL parameter too, so that a command line can set it: each worker thread placing a
        // model holds a connection for its family group's lock, beside the reads and writes
        String poolSize = options.getOrDefault("poolSize", parameter(url, "poolSize"));
        hc.setMaximumPoolSize(Integer.parseInt(poolSize == null ? "8" : poolSize));
        hc.setMinimumIdle(1);
        hc.setAutoCommit(true);
        hc.setConnectionTimeout(30_000);
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(hc);
        } catch (HikariPool.PoolInitializationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new StoreException("cannot connect to " + redact(url) + ": " + cause.getMessage(), e);
        }
        try {
            return JdbcMetadataStore.open(new PostgresDialect(), pool, pool, pool::close, currentSchema(url), redact(url));
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    @Override
    public boolean acceptsDatabase(String databaseProductName) {
        return "PostgreSQL".equalsIgnoreCase(databaseProductName);
    }

    @Override
    public MetadataStore open(DataSource dataSource, Map<String, String> options) {
        return JdbcMetadataStores.open(dataSource);
    }

    /** The {@code currentSchema} URL parameter (the first, if it lists several), or null. */
    static String currentSchema(String url) {
        String schemas = parameter(url, "currentSchema");
        return schemas == null ? null : schemas.split(",")[0].trim();
    }

    /** A URL parameter's decoded value, or null when absent or blank. */
    static String parameter(String url, String name) {
        int q = url.indexOf('?');
        if (q < 0) {
            return null;
        }
        for (String param : url.substring(q + 1).split("&")) {
            String[] kv = param.split("=", 2);
            if (kv.length == 2 && kv[0].equals(name) && !kv[1].isBlank()) {
                return URLDecoder.decode(kv[1], StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&]*", "$1***");
    }
}
