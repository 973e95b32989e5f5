package org.modelheritage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modelheritage.server.access.RateLimits;
import org.modelheritage.server.access.Role;
import org.modelheritage.server.access.Tokens;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * Signing in on the web pages, in headless Chromium: a server with tokens (so anonymous callers
 * only read), the role in the navbar, upload actions shown only to roles that may upload, clear
 * messages for a refused, revoked or rate-limited caller, and no console errors beyond the
 * refusals the test provokes. Screenshots go to target/screenshots/ next to the other pages'.
 */
class SignInBrowserTest extends BrowserPageTest {
    Tokens tokens;

    @BeforeAll
    void start(@TempDir Path dir) throws IOException {
        if (!Browser.installed()) {
            return; // each test skips (fails under CI=true) in requireBrowser, where surefire reports it
        }
        s = new TestServer(dir.resolve("lake"));
        base = "http://127.0.0.1:" + s.server.port();
        tokens = new Tokens(s.lake.metadata(), Clock.systemUTC());
        // a folder of its own: WebPagesBrowserTest clears the pictures beside its own when it starts
        b = Browser.start(WebPagesBrowserTest.SCREENSHOTS.resolve("signin"));
    }

    String navRole() {
        return b.waitUntil(d -> {
            String role = b.find(By.id("nav-role")).getAttribute("data-role");
            return role == null ? null : b.find(By.id("nav-role")).getText();
        });
    }

    boolean displayed(String id) {
        List<WebElement> found = b.findAll(By.id(id));
        return !found.isEmpty() && found.get(0).isDisplayed();
    }

    /** Waits until the element shows this text (the page re-renders it as answers arrive). */
    void waitText(String id, String expected) {
        b.waitUntil(d -> {
            List<WebElement> found = b.findAll(By.id(id));
            return !found.isEmpty() && found.get(0).getText().equals(expected) ? true : null;
        });
    }

    void signIn(String secret) {
        b.open(base + "/signin.html");
        WebElement input = b.visible(By.id("token-input"));
        input.clear();
        input.sendKeys(secret);
        b.find(By.id("signin-submit")).click();
    }

    @Test
    void signInShowsTheRoleAndTheActionsItAllows() {
        String reader = tokens.create("alice", Role.READER, null, "test", "test").secret();
        Tokens.Issued contributor = tokens.create("ci-bot", Role.CONTRIBUTOR, null, "test", "test");

        // anonymous, with tokens in the lake: reads only; no upload action anywhere
        b.open(base + "/");
        assertEquals("Sign in · reader", navRole());
        assertFalse(displayed("nav-add"), "no Add Model for a reader");
        assertEquals(0, b.findAll(By.cssSelector("a[href='add.html']")).stream().filter(WebElement::isDisplayed).count());
        b.open(base + "/add.html");
        b.visible(By.id("upload-needs-role"));
        assertFalse(displayed("upload-form"), "the upload form is hidden from a reader");

        // a token that is not one
        signIn("mh_" + "x".repeat(43));
        WebElement refused = b.visible(By.id("signin-refused"));
        assertTrue(refused.getText().contains("This token was not accepted: unknown token"), refused.getText());
        assertEquals("Sign in · reader", navRole(), "nothing was kept");

        signIn(reader);
        waitText("signed-in-role", "reader");
        assertEquals("alice", b.find(By.id("signed-in-name")).getText());
        b.waitUntil(d -> b.find(By.id("nav-role")).getText().equals("alice · reader") ? true : null);
        assertFalse(displayed("nav-add"));
        b.screenshotsAsIs("signin-reader");

        signIn(contributor.secret());
        waitText("signed-in-role", "contributor");
        b.visible(By.id("nav-add"));
        b.open(base + "/add.html");
        b.visible(By.id("upload-form"));
        assertFalse(displayed("upload-needs-role"));
        assertEquals("ci-bot · contributor", navRole());

        // the token is revoked while the tab still holds it: the page says so
        tokens.revoke(contributor.token().id(), "test", "test");
        b.open(base + "/models.html");
        b.waitUntil(d -> b.find(By.id("nav-role")).getText().equals("Token not accepted · sign in") ? true : null);
        WebElement error = b.visible(By.cssSelector("#models-error .message"));
        assertTrue(error.getText().startsWith("Your token was not accepted") && error.getText().contains("was revoked"),
                error.getText());
        assertFalse(displayed("nav-add"));

        // sign out: anonymous again, reading works
        b.open(base + "/signin.html");
        b.visible(By.id("signout")).click();
        b.waitUntil(d -> b.find(By.id("nav-role")).getText().equals("Sign in · reader") ? true : null);
        b.open(base + "/models.html");
        b.visible(By.id("empty-lake"));
        b.open(base + "/signin.html");
        b.screenshots("signin", () -> b.visible(By.id("token-input")));
        for (String line : b.takeConsoleErrors()) {
            assertTrue(line.contains("status of 401"), "only the refusals provoked here: " + line);
        }
    }

    @Test
    void onlyAnAdminSeesDeleteAndItRemovesTheModel() {
        Tokens.Issued admin = tokens.create("root", Role.ADMIN, null, "test", "test");
        TestServer.Reply up = AccessTest.send(s, "POST", "/api/models", admin.secret(), null);
        String id = up.json().get("id").asText();
        signIn(tokens.create("bob", Role.READER, null, "test", "test").secret());
        waitText("signed-in-role", "reader");
        b.open(base + "/model.html?id=" + id);
        b.visible(By.id("model-name"));
        assertEquals("bob · reader", navRole());
        assertFalse(displayed("delete-model"), "a reader has no Delete");

        signIn(admin.secret());
        waitText("signed-in-role", "admin");
        b.open(base + "/model.html?id=" + id);
        b.visible(By.id("delete-model")).click();
        b.driver().switchTo().alert().accept();
        b.waitUntil(d -> d.getCurrentUrl().endsWith("/models.html") ? true : null);
        assertEquals(404, AccessTest.send(s, "GET", "/api/models/" + id, admin.secret(), null).status());
        b.open(base + "/signin.html");
        b.visible(By.id("signout")).click();
        b.waitUntil(d -> b.find(By.id("nav-role")).getText().startsWith("Sign in") ? true : null);
    }

    @Test
    void aRateLimitedPageSaysWhenToTryAgain(@TempDir Path other) throws IOException {
        b.takeConsoleErrors(); // what an earlier test left
        try (TestServer limited = new TestServer(other.resolve("lake"),
                TestServer.options().withRateLimits(new RateLimits(2, 2, new AccessTest.ManualMeter())))) {
            // the first visit spends the budget of two; on the second every request is over it
            b.open("http://127.0.0.1:" + limited.server.port() + "/models.html");
            b.open("http://127.0.0.1:" + limited.server.port() + "/models.html");
            WebElement error = b.visible(By.cssSelector("#models-error .message"));
            assertTrue(error.getText().startsWith("Too many requests: try again in 30 s"), error.getText());
            // leave the page before its server closes, so that no request it still makes is refused
            b.open("about:blank");
            for (String line : b.takeConsoleErrors()) {
                assertTrue(line.contains("status of 429"), "only the refusals provoked here: " + line);
            }
        }
    }
}
