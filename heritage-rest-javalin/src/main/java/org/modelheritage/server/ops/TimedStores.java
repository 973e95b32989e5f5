package org.modelheritage.server.ops;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.modelheritage.store.BlobStore;
import org.modelheritage.store.MetadataStore;

/**
 * Stores whose every call is timed into {@code heritage_store_operation_seconds{store, operation,
 * outcome}}. A dynamic proxy over the interface rather than a hand-written decorator, so a method
 * added to the store SPI is timed without touching this class. A stream a call returns (a blob's
 * {@code open}, {@code list}) is timed until it is handed over, not while it is read.
 */
public final class TimedStores {
    static final String METRIC = "heritage.store.operation";

    private TimedStores() {
    }

    public static MetadataStore timed(MetadataStore store, MeterRegistry registry) {
        return proxy(MetadataStore.class, store, "metadata", registry);
    }

    public static BlobStore timed(BlobStore store, MeterRegistry registry) {
        return proxy(BlobStore.class, store, "blobs", registry);
    }

    private static <T> T proxy(Class<T> type, T target, String storeName, MeterRegistry registry) {
        Map<String, Timer> timers = new ConcurrentHashMap<>();
        InvocationHandler handler = (proxy, method, args) -> {
            if (method.getDeclaringClass() == Object.class) {
                return switch (method.getName()) {
                    case "equals" -> proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "toString" -> "timed " + target;
                    default -> method.invoke(target, args);
                };
            }
            long started = System.nanoTime();
            String outcome = "error";
            try {
                Object result = method.invoke(target, args);
                outcome = "ok";
                return result;
            } catch (InvocationTargetException e) {
                throw e.getCause();
            } finally {
                String op = method.getName();
                String key = op + '/' + outcome;
                String o = outcome;
                timers.computeIfAbsent(key, k -> Timer.builder(METRIC)
                                .description("Latency of metadata and blob store calls")
                                .tag("store", storeName).tag("operation", op).tag("outcome", o)
                                .register(registry))
                        .record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
            }
        };
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
    }
}
