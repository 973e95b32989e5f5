package org.modelheritage.server;


import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.modelheritage.testing.Prerequisites;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through its own chromedriver, for end-to-end tests of the
 * web pages. Never downloads anything: the driver binary is named explicitly, which keeps
 * Selenium Manager out of the way. Absent browser: the test is skipped with a message, except
 * in CI (CI=true), where it fails.
 */
public final class Browser implements AutoCloseable {
    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    public static final Dimension DESKTOP = new Dimension("desktop", 1366, 900);
    public static final Dimension PHONE = new Dimension("phone", 375, 812);
    private static final Duration WAIT = Duration.ofSeconds(30);

    /** A viewport the screenshots are taken at. */
    public record Dimension(String label, int width, int height) {
    }

    private final ChromeDriver driver;
    private final Path userDataDir;
    private final Path screenshots;
    private final List<String> consoleErrors = new ArrayList<>();

    private Browser(ChromeDriver driver, Path userDataDir, Path screenshots) {
        this.driver = driver;
        this.userDataDir = userDataDir;
        this.screenshots = screenshots;
    }

    /** True when Chromium and its driver are both there. */
    public static boolean installed() {
        return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    }

    /** Skips the calling test (or fails it in CI) when Chromium or its driver is not installed. */
    public static void assumeInstalled() {
        if (installed()) {
            return;
        }
        Prerequisites.missing("browser tests need Debian's chromium and chromium-driver (" + CHROMIUM + ", "
                + CHROMEDRIVER + " are not both there): apt-get install -y chromium chromium-driver");
    }

    /** Starts a fresh headless Chromium (own profile directory) at desktop size. */
    public static Browser start(Path screenshots) {
        assumeInstalled();
        // The driver is named explicitly: Selenium Manager is skipped and nothing is fetched.
        System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, CHROMEDRIVER.toString());
        Path profile;
        try {
            profile = Files.createTempDirectory("heritage-chromium-");
            Files.createDirectories(screenshots);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-extensions", "--hide-scrollbars",
                "--user-data-dir=" + profile, "--window-size=" + DESKTOP.width() + "," + DESKTOP.height());
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(WAIT).scriptTimeout(WAIT);
        Browser browser = new Browser(driver, profile, screenshots);
        browser.viewport(DESKTOP);
        return browser;
    }

    public WebDriver driver() {
        return driver;
    }

    /** Opens a URL and waits until the page's own scripts have run (document complete). */
    public void open(String url) {
        driver.get(url);
        waitUntil(d -> "complete".equals(js("return document.readyState")));
    }

    public Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    public <T> T waitUntil(Function<WebDriver, T> condition) {
        return waitUntil(condition, WAIT);
    }

    /**
     * Polls the condition until it gives a value. An element the page replaced between finding and
     * reading it (a re-render, a navigation) means "not yet", not a failure.
     */
    public <T> T waitUntil(Function<WebDriver, T> condition, Duration timeout) {
        // Pages re-render as answers arrive: an element found a moment ago may be gone; ask again.
        return new WebDriverWait(driver, timeout, Duration.ofMillis(50))
                .ignoring(StaleElementReferenceException.class)
                .until(condition);
    }

    /** The element once it is displayed. */
    public WebElement visible(By by) {
        return waitUntil(d -> {
            List<WebElement> found = d.findElements(by);
            return !found.isEmpty() && found.get(0).isDisplayed() ? found.get(0) : null;
        });
    }

    public WebElement find(By by) {
        return driver.findElement(by);
    }

    public List<WebElement> findAll(By by) {
        return driver.findElements(by);
    }

    /**
     * Emulates a viewport of exactly this size (a 375 px phone included: a real window cannot be
     * made that narrow), with the mobile flag so that the page's viewport meta tag applies.
     */
    public void viewport(Dimension size) {
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of(
                "width", size.width(), "height", size.height(), "deviceScaleFactor", 1,
                "mobile", size.width() < 600));
    }

    /**
     * Limits the browser's upload speed (bytes per second; -1 lifts the limit), so that a test
     * can watch an upload's progress on a loopback connection that would otherwise be instant.
     */
    public void throttleUploads(long bytesPerSecond) {
        driver.executeCdpCommand("Network.enable", Map.of());
        driver.executeCdpCommand("Network.emulateNetworkConditions", Map.of(
                "offline", false, "latency", 0, "downloadThroughput", -1, "uploadThroughput", bytesPerSecond));
    }

    /**
     * Saves {@code name-desktop.png} and {@code name-phone.png} (what fits the screen) and, when
     * the page is longer than the screen, the whole page as {@code name-...-full.png}. The page is
     * loaded afresh at each size, as a visitor would see it; {@code afterLoad} waits for its content.
     */
    public void screenshots(String name, Runnable afterLoad) {
        String url = driver.getCurrentUrl();
        Runnable load = () -> {
            open(url);
            afterLoad.run();
        };
        for (Dimension size : List.of(DESKTOP, PHONE)) {
            viewport(size);
            load.run();
            capture(name, size, load);
        }
        viewport(DESKTOP);
        load.run();
    }

    /** The same, without reloading: for a state a reload would lose (an error shown after a submit). */
    public void screenshotsAsIs(String name) {
        for (Dimension size : List.of(DESKTOP, PHONE)) {
            viewport(size);
            capture(name, size, () -> { });
        }
        viewport(DESKTOP);
    }

    /**
     * The full page is taken with a viewport as tall as the page, laid out afresh by {@code load}:
     * Chrome's own "beyond the viewport" capture resizes the page under the graph, which then
     * shows a stale zoom.
     */
    private void capture(String name, Dimension size, Runnable load) {
        js("window.scrollTo(0, 0);");
        save(name + "-" + size.label() + ".png", png());
        long height = ((Number) js("return document.documentElement.scrollHeight;")).longValue();
        if (height > size.height()) {
            viewport(new Dimension(size.label(), size.width(), (int) Math.min(height, 8000)));
            load.run();
            save(name + "-" + size.label() + "-full.png", png());
            viewport(size);
        }
    }

    private byte[] png() {
        Map<String, Object> result = driver.executeCdpCommand("Page.captureScreenshot", Map.of("format", "png"));
        return Base64.getDecoder().decode((String) result.get("data"));
    }

    private void save(String fileName, byte[] png) {
        try {
            Files.write(screenshots.resolve(fileName), png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Console messages at SEVERE level since the last call (errors, failed requests, uncaught
     * exceptions); warnings are kept apart by the caller if wanted.
     */
    public List<String> takeConsoleErrors() {
        for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
            if (e.getLevel().intValue() >= Level.SEVERE.intValue()) {
                consoleErrors.add(e.getMessage());
            }
        }
        List<String> out = List.copyOf(consoleErrors);
        consoleErrors.clear();
        return out;
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (Stream<Path> walk = Files.walk(userDataDir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a profile left in /tmp is harmless
            }
        }
    }
}
