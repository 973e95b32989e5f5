package org.modelheritage.examples;

import io.javalin.Javalin;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.modelheritage.lake.LakeOptions;
import org.modelheritage.lake.ModelLake;
import org.modelheritage.server.api.HeritagePlugin;
import org.modelheritage.store.ModelStatus;

/**
 * Mounts the lake's REST API and web pages in an application's own Javalin app, under
 * {@code /heritage}, beside the application's routes: the lake is built with
 * {@link ModelLake#builder()}, a directory of weight files added, and each model awaited through
 * its {@link ModelLake#whenProcessed future}.
 *
 * <pre>
 * java -cp heritage-examples/target/heritage-examples.jar org.modelheritage.examples.WebAppExample [MODEL_DIR [DATA_DIR [PORT]]]
 * </pre>
 * Then open {@code http://127.0.0.1:PORT/heritage/} (the pages) or
 * {@code http://127.0.0.1:PORT/heritage/api/models} (the API); {@code /} is the application's own.
 */
public final class WebAppExample {
    private WebAppExample() {
    }

    public static void main(String[] args) throws Exception {
        Path models = args.length > 0 ? Path.of(args[0]) : null;
        Path data = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("heritage-webapp-");
        int port = args.length > 2 ? Integer.parseInt(args[2]) : 7070;
        if (models == null) {
            models = Files.createTempDirectory("heritage-demo-models-");
            DemoModels.write(models);
        }
        ModelLake lake = ModelLake.builder().dataDirectory(data).options(LakeOptions.defaults()).build();
        Javalin app = run(lake, models, port, System.out);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.stop();
            lake.close();
        }));
    }

    /** The example itself: adds the models, waits for each, and returns the started app (the caller stops it). */
    public static Javalin run(ModelLake lake, Path modelDir, int port, PrintStream out) throws Exception {
        var added = LakeIngest.addDirectory(lake, modelDir, out);
        CompletableFuture.allOf(added.values().stream().map(m -> lake.whenProcessed(m.id()))
                .toArray(CompletableFuture[]::new)).join();
        long ready = added.values().stream().map(m -> lake.whenProcessed(m.id()).join())
                .filter(m -> m.status() == ModelStatus.READY).count();
        out.println(ready + " of " + added.size() + " models ready");

        Javalin app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.jetty.host = "127.0.0.1";
            config.jetty.port = port;
            config.registerPlugin(new HeritagePlugin(heritage -> {
                heritage.lake = lake;
                heritage.basePath = "/heritage";
            }));
            config.routes.get("/", ctx -> ctx.html("<p>The application's own page. The model lake is at "
                    + "<a href=\"/heritage/\">/heritage/</a>.</p>"));
        }).start();
        out.println("serving on http://127.0.0.1:" + app.port() + "/ with the lake under /heritage/");
        return app;
    }
}
