package org.modelheritage.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.javalin.Javalin;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modelheritage.lake.LakeOptions;
import org.modelheritage.lake.ModelLake;

class WebAppExampleTest {
    @Test
    void theLakeAnswersUnderHeritageBesideTheAppsOwnPage(@TempDir Path dir) throws Exception {
        List<DemoModels.Written> written = DemoModels.write(dir.resolve("models"));
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (ModelLake lake = ModelLake.builder().dataDirectory(dir.resolve("data"))
                .options(LakeOptions.defaults().withWorkDir(dir.resolve("work"))).build()) {
            Javalin app = WebAppExample.run(lake, dir.resolve("models"), 0, new PrintStream(buf, true, StandardCharsets.UTF_8));
            try {
                HttpClient http = HttpClient.newHttpClient();
                String base = "http://127.0.0.1:" + app.port();
                HttpResponse<String> models = http.send(HttpRequest.newBuilder(URI.create(base + "/heritage/api/models?limit=100")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, models.statusCode());
                assertTrue(models.body().contains("\"total\":" + written.size()), models.body());
                HttpResponse<String> own = http.send(HttpRequest.newBuilder(URI.create(base + "/")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertTrue(own.body().startsWith("<p>The application's own page."), own.body());
            } finally {
                app.stop();
            }
        }
        String printed = buf.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains(written.size() + " of " + written.size() + " models ready"), printed);
    }
}
