package org.modelheritage.server.api;

import io.javalin.config.JavalinConfig;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The one HTTP connector, with the {@link ConnectionLimits} a slow client meets at the Jetty level,
 * before any route: an idle timeout on the connection and a minimum data rate on request bodies.
 */
final class HttpConnector {
    private HttpConnector() {
    }

    static void configure(JavalinConfig config, String host, int port, ConnectionLimits limits) {
        config.jetty.modifyHttpConfiguration(http -> {
            http.setMinRequestDataRate(limits.minRequestDataRate());
            http.setIdleTimeout(limits.idleTimeout().toMillis());
        });
        // Our own connector (Javalin adds its default one only when none is given) to set its idle timeout.
        config.jetty.addConnector((server, http) -> {
            ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
            connector.setHost(host);
            connector.setPort(port);
            connector.setIdleTimeout(limits.idleTimeout().toMillis());
            return connector;
        });
    }
}
