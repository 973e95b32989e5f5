package org.modelheritage.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code healthcheck}: asks a running server whether it is ready; exit 0 when it answers 200. For
 * container health checks, where the image has a JVM but no curl.
 */
@Command(name = "healthcheck", mixinStandardHelpOptions = true,
        description = "Ask a running server's /health/ready; exit 0 when ready, 1 otherwise (for container health checks).")
final class HealthcheckCommand implements Callable<Integer> {
    @Option(names = "--url", paramLabel = "URL", defaultValue = "http://127.0.0.1:${env:HERITAGE_PORT:-5001}/health/ready",
            description = "What to ask (default: ${DEFAULT-VALUE}).")
    URI url;

    @Override
    public Integer call() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            System.out.println(r.statusCode() + " " + r.body().strip());
            return r.statusCode() == 200 ? 0 : 1;
        } catch (Exception e) {
            System.out.println("unreachable: " + e);
            return 1;
        }
    }
}
