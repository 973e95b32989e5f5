package org.modelheritage.server;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.modelheritage.lake.ModelLake;
import org.modelheritage.server.api.HeritageServer;
import org.modelheritage.server.api.ServerOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code serve}: the REST API and the web pages, on one port, until stopped. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Start the server (the default command): REST API, OpenAPI document and web pages.")
final class ServeCommand implements Callable<Integer> {
    @Mixin
    LakeArgs lake = new LakeArgs();

    @Option(names = "--port", defaultValue = "${env:HERITAGE_PORT:-5001}",
            description = "TCP port (env HERITAGE_PORT; default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", defaultValue = "${env:HERITAGE_HOST:-0.0.0.0}",
            description = "Interface to listen on (env HERITAGE_HOST; default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--cors-origins", paramLabel = "ORIGINS", defaultValue = "${env:HERITAGE_CORS_ORIGINS:-*}",
            description = "Comma-separated origins allowed to call the API from browsers, '*' for any, '' for none (env HERITAGE_CORS_ORIGINS; default: ${DEFAULT-VALUE}).")
    String corsOrigins;

    @Override
    public Integer call() throws Exception {
        List<String> origins = Arrays.stream(corsOrigins.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        ModelLake modelLake = lake.open();
        HeritageServer server;
        try {
            server = new HeritageServer(modelLake, new ServerOptions(host, port, origins)).start();
        } catch (RuntimeException e) {
            modelLake.close();
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } finally {
                modelLake.close();
                stopped.countDown();
            }
        }, "heritage-shutdown"));
        System.out.printf("Model Heritage is listening on http://%s:%d/ (store %s, blobs %s)%n",
                host.equals("0.0.0.0") ? "localhost" : host, server.port(), lake.storeUri(), lake.blobUri());
        System.out.flush();
        stopped.await();
        return 0;
    }
}
