package org.modelheritage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The dashboard in headless Chromium against the real server: an empty lake shows the way to
 * the upload page; after uploads (a merge family and a lone model) every
 * chart is drawn and every table beside a chart shows exactly the numbers of
 * {@code /api/stats/charts}; no console errors; screenshots at desktop and phone width in
 * target/screenshots/dashboard/.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserTest extends BrowserPageTest {
    /** A folder of its own: WebPagesBrowserTest clears target/screenshots of older pictures when it starts. */
    static final Path SCREENSHOTS = WebPagesBrowserTest.SCREENSHOTS.resolve("dashboard");


    @BeforeAll
    void start(@TempDir Path dir) throws IOException {
        if (!Browser.installed()) {
            return; // each test skips (fails under CI=true) in requireBrowser
        }
        s = new TestServer(dir.resolve("lake"));
        base = "http://127.0.0.1:" + s.server.port();
        b = Browser.start(SCREENSHOTS);
    }

    @Test
    @Order(1)
    void anEmptyLakeShowsTheWayToTheFirstUpload() {
        b.open(base + "/dashboard.html");
        waitDrawn("empty");
        WebElement empty = b.visible(By.id("empty-dashboard"));
        assertTrue(empty.getText().contains("The lake is empty"), empty.getText());
        assertTrue(b.find(By.id("dashboard-first-upload")).getAttribute("href").endsWith("/add.html"));
        WebElement nav = b.find(By.cssSelector(".navbar a[href='dashboard.html']"));
        assertEquals("page", nav.getAttribute("aria-current"));
        b.screenshots("dashboard-empty", () -> waitDrawn("empty"));
        b.find(By.id("dashboard-first-upload")).click();
        b.waitUntil(d -> d.getCurrentUrl().endsWith("/add.html"));
    }

    @Test
    @Order(2)
    void everyTableShowsTheApisNumbers() throws Exception {
        MergeLineageApiTest.MergeFamily family = MergeLineageApiTest.upload(s);
        TestServer.Reply lone = s.upload("lone", "lone.safetensors", TestWeights.safetensors(TestWeights.random(2, 40, 77)));
        assertEquals(201, lone.status(), lone.body());
        assertEquals("ready", s.awaitFinal(lone.json().get("id").asText(), Duration.ofSeconds(90)).get("status").asText());

        JsonNode api = s.get("/api/stats/charts").json();
        assertEquals(6, api.get("uploads_by_day").get(api.get("uploads_by_day").size() - 1).get("cumulative_total").asLong());
        assertTrue(api.get("edges_by_kind").get("merge").asLong() >= 2, api.toString());

        b.open(base + "/dashboard.html");
        waitDrawn("true");
        for (String chart : List.of("uploads", "formats", "family-sizes", "largest", "kinds", "confidence")) {
            WebElement el = b.find(By.id("chart-" + chart));
            assertEquals("true", el.getAttribute("data-drawn"), chart);
            assertEquals(1, el.findElements(By.tagName("canvas")).size(), chart + " has its canvas");
            assertEquals("true", el.getAttribute("aria-hidden"), chart + ": the table, not the canvas, is read aloud");
            assertTrue(!b.find(By.id(chart + "-summary")).getText().isBlank(), chart + " has a summary line");
        }

        List<List<String>> uploads = new ArrayList<>();
        for (JsonNode day : api.get("uploads_by_day")) {
            List<String> row = new ArrayList<>(List.of(day.get("day").asText()));
            day.get("cumulative").forEach(n -> row.add(n.asText()));
            row.add(day.get("cumulative_total").asText());
            uploads.add(row);
        }
        assertEquals(uploads, rows("table-uploads"));
        assertEquals(List.of("day", "pending", "processing", "ready", "failed", "total"), headers("table-uploads"));

        List<List<String>> formats = new ArrayList<>();
        api.get("by_format").fields().forEachRemaining(e -> formats.add(List.of(e.getKey(), e.getValue().asText())));
        formats.sort(Comparator.comparing((List<String> f) -> -Long.parseLong(f.get(1))).thenComparing(f -> f.get(0)));
        assertEquals(formats, rows("table-formats"));

        List<List<String>> sizes = new ArrayList<>();
        api.get("family_sizes").forEach(x -> sizes.add(List.of(x.get("models").asText(), x.get("families").asText())));
        assertEquals(sizes, rows("table-family-sizes"));

        List<List<String>> largest = new ArrayList<>();
        api.get("largest_families").forEach(f -> largest.add(List.of(f.get("id").asText(), f.get("models").asText(),
                f.get("parameters").asText())));
        @SuppressWarnings("unchecked")
        List<List<String>> shown = (List<List<String>>) b.js("return [...document.querySelectorAll('#table-largest tbody tr')]"
                + ".map(tr => [tr.dataset.family, tr.children[2].textContent.trim(), tr.children[3].textContent.trim()]"
                + ".map(t => t.replace(/,/g, '')));");
        assertEquals(largest, shown);
        assertTrue(b.find(By.cssSelector("#table-largest a[href='family.html?id=" + family.familyId + "']")).isDisplayed(),
                "the merge family is linked");

        List<List<String>> kinds = new ArrayList<>();
        api.get("edges_by_kind").fields().forEachRemaining(e -> kinds.add(List.of(e.getKey(), e.getValue().asText())));
        assertEquals(List.of("fine-tune", "duplicate", "quantized", "adapter", "resize", "merge"),
                kinds.stream().map(k -> k.get(0)).toList());
        assertEquals(kinds, rows("table-kinds"));

        List<String> bins = new ArrayList<>();
        api.get("edge_confidence").forEach(x -> bins.add(x.get("edges").asText()));
        assertEquals(10, bins.size());
        assertEquals(bins, rows("table-confidence").stream().map(r -> r.get(1)).toList());

        assertEquals(api.get("queue").get("pending").asText(), b.find(By.id("dash-pending")).getText());
        assertEquals(api.get("queue").get("processing").asText(), b.find(By.id("dash-processing")).getText());
        assertEquals("6", b.find(By.id("dash-models")).getText());

        b.screenshots("dashboard", () -> waitDrawn("true"));
        // At phone width nothing sticks out sideways: the page is no wider than the screen.
        b.viewport(Browser.PHONE);
        b.open(base + "/dashboard.html");
        waitDrawn("true");
        long width = ((Number) b.js("return document.documentElement.scrollWidth;")).longValue();
        assertTrue(width <= Browser.PHONE.width(), "page is " + width + " px wide at 375 px");
        b.viewport(Browser.DESKTOP);
    }

    void waitDrawn(String state) {
        b.waitUntil(d -> state.equals(b.js("return document.body.dataset.drawn || null;")) ? true : null);
    }

    /** A table's body, cell texts without thousands separators (read even where the table is folded away). */
    @SuppressWarnings("unchecked")
    List<List<String>> rows(String tableId) {
        return (List<List<String>>) b.js("return [...document.querySelectorAll('#' + arguments[0] + ' tbody tr')]"
                + ".map(tr => [...tr.children].map(c => c.textContent.trim().replace(/,/g, '')));", tableId);
    }

    @SuppressWarnings("unchecked")
    List<String> headers(String tableId) {
        return (List<String>) b.js("return [...document.querySelectorAll('#' + arguments[0] + ' thead th')]"
                + ".map(th => th.textContent.trim().toLowerCase());", tableId);
    }
}
