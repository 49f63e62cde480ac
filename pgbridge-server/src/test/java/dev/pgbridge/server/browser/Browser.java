package dev.pgbridge.server.browser;

import dev.pgbridge.server.ServerFixture;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * One headless Chromium for a test class, driving a {@link ServerFixture}'s server as a user would: Debian's
 * {@code chromium} and {@code chromium-driver} (installed by {@code .ci/run}) at fixed paths, so Selenium Manager never
 * looks for or downloads a driver or a browser. A missing browser fails the test with the command that installs it:
 * browser tests are never skipped.
 *
 * <p>Trust: the server's certificate comes from its own self-signed CA. Chromium is told to accept exactly the keys
 * of that server's chain with {@code --ignore-certificate-errors-spki-list} (SHA-256 of each certificate's
 * SubjectPublicKeyInfo; Chromium honours it only with a {@code --user-data-dir}, which each browser gets fresh), not
 * every certificate ({@code --ignore-certificate-errors}). Importing the CA into an NSS database would need
 * {@code certutil} (another package) and a private {@code $HOME}; the key pin is as narrow and needs nothing. Whether a
 * client verifies the server's chain is the TLS and agent tests' subject, not the browser's.
 *
 * <p>Every wait is a {@link WebDriverWait} on a condition with a timeout; nothing sleeps. {@link #screenshot} saves
 * PNGs under {@code pgbridge-server/target/screenshots/} as test output.
 */
public final class Browser implements AutoCloseable {
    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Duration TIMEOUT = Duration.ofSeconds(20);
    static final int MAX_SHOT_HEIGHT = 4000;

    private final ServerFixture server;
    private final ChromeDriverService service;
    private final ChromeDriver driver;
    private final Path profile;

    private Browser(ServerFixture server, ChromeDriverService service, ChromeDriver driver, Path profile) {
        this.server = server;
        this.service = service;
        this.driver = driver;
        this.profile = profile;
    }

    /** Starts a headless Chromium that trusts {@code server}'s certificate chain (and no other untrusted one). */
    public static Browser start(ServerFixture server) {
        for (Path required : List.of(CHROMIUM, CHROMEDRIVER)) {
            if (!Files.isExecutable(required)) {
                throw new AssertionError("browser tests need Debian's chromium and chromium-driver, but " + required
                        + " is missing; install them with `apt-get update && DEBIAN_FRONTEND=noninteractive apt-get "
                        + "install -y chromium chromium-driver` (.ci/run does)");
            }
        }
        Path profile;
        Path logs = screenshotDir();
        try {
            profile = Files.createTempDirectory("pgbridge-chromium");
            Files.createDirectories(logs);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1280,900", "--user-data-dir=" + profile);
        server.server().identity().ifPresent(identity ->
                options.addArguments("--ignore-certificate-errors-spki-list=" + spkiHashes(identity.chain())));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withLogFile(logs.resolve("chromedriver.log").toFile())
                .build();
        ChromeDriver driver;
        try {
            driver = new ChromeDriver(service, options);
        }
        catch (RuntimeException e) {
            service.stop();
            deleteTree(profile);
            throw e;
        }
        driver.manage().timeouts().pageLoadTimeout(TIMEOUT);
        return new Browser(server, service, driver, profile);
    }

    /** {@code base64(SHA-256(SubjectPublicKeyInfo))} of each certificate, comma-separated, as Chromium takes them. */
    static String spkiHashes(List<X509Certificate> chain) {
        List<String> hashes = new ArrayList<>();
        for (X509Certificate cert : chain) {
            try {
                byte[] digest = MessageDigest.getInstance("SHA-256").digest(cert.getPublicKey().getEncoded());
                hashes.add(Base64.getEncoder().encodeToString(digest));
            }
            catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
        return String.join(",", hashes);
    }

    public WebDriver driver() {
        return driver;
    }

    /** Opens {@code path} of the server (e.g. {@code /metadata}) and waits until the page has loaded. */
    public Browser open(String path) {
        driver.get(server.url() + path);
        waitUntilLoaded();
        return this;
    }

    /** Waits until the current document has finished loading. */
    public void waitUntilLoaded() {
        until("the page to load", d -> "complete".equals(((JavascriptExecutor) d).executeScript("return document.readyState")));
    }

    /** Waits until an element is visible and returns it. */
    public WebElement waitFor(By locator) {
        return until(locator + " to be visible", ExpectedConditions.visibilityOfElementLocated(locator));
    }

    /** Waits until the URL's path (with its query) is {@code path}. */
    public void waitForPath(String path) {
        until("the path " + path, d -> {
            String url = d.getCurrentUrl();
            return url != null && url.startsWith(server.url()) && url.substring(server.url().length()).equals(path);
        });
    }

    /**
     * Clicks what {@code target} finds once it is shown and enabled. The target is found again on every try: right
     * after a load or an htmx swap the page may still replace its nodes, and a reference found a moment earlier then
     * fails as stale or as "Node with given id does not belong to the document" (a CI run once did).
     */
    public void click(By target) {
        until(target + " to be clicked", d -> {
            try {
                WebElement element = d.findElement(target);
                if (!element.isDisplayed() || !element.isEnabled()) {
                    return null;
                }
                element.click();
                return Boolean.TRUE;
            }
            catch (org.openqa.selenium.StaleElementReferenceException
                   | org.openqa.selenium.ElementClickInterceptedException
                   | org.openqa.selenium.NoSuchElementException e) {
                return null;
            }
        });
    }

    /** Clicks the element, waits for the next page to load and for {@code then} to be visible. */
    public WebElement clickAndWait(WebElement element, By then) {
        until(element + " to be clickable", ExpectedConditions.elementToBeClickable(element)).click();
        waitUntilLoaded();
        return waitFor(then);
    }

    /**
     * Waits for {@code condition}; a timeout names what was awaited and where the browser is (its URL and title: a
     * certificate error page shows there).
     */
    public <T> T until(String what, java.util.function.Function<? super WebDriver, T> condition) {
        return until(what, TIMEOUT, condition);
    }

    /**
     * {@link #until(String, java.util.function.Function)} with a longer timeout (a capture's first events). A node of a
     * document being replaced counts as "not yet": Chrome reports it either as a stale reference (which the wait
     * ignores) or, while the new document is attached, as "unknown error: Node with given id does not belong to the
     * document" (two CI runs failed on that, once in a click, once inside {@code ExpectedConditions.stalenessOf}).
     */
    public <T> T until(String what, Duration timeout, java.util.function.Function<? super WebDriver, T> condition) {
        return new WebDriverWait(driver, timeout)
                .withMessage(() -> "waiting for " + what + "; the browser is at " + driver.getCurrentUrl()
                        + " titled '" + driver.getTitle() + "'")
                .until(d -> {
                    try {
                        return condition.apply(d);
                    }
                    catch (org.openqa.selenium.WebDriverException e) {
                        if (isDetachedNode(e)) {
                            return null;
                        }
                        throw e;
                    }
                });
    }

    /** Whether {@code e} is Chrome's word for a node whose document is being replaced. */
    public static boolean isDetachedNode(org.openqa.selenium.WebDriverException e) {
        return e.getMessage() != null && e.getMessage().contains("does not belong to the document");
    }

    /** Logs in through the real login form and waits for the start page. */
    public Browser login(String tenant, String user, String password) {
        open("/login");
        WebElement tenantInput = waitFor(By.id("tenant"));
        tenantInput.clear();
        tenantInput.sendKeys(tenant);
        driver.findElement(By.id("username")).sendKeys(user);
        driver.findElement(By.id("password")).sendKeys(password);
        clickAndWait(driver.findElement(By.cssSelector("form[action='/login'] button[type=submit]")),
                By.cssSelector("header.top nav"));
        waitForPath("/");
        return this;
    }

    /**
     * Saves the whole page (the window stretched to the document's height, at most {@value #MAX_SHOT_HEIGHT} pixels,
     * then put back) as {@code target/screenshots/<name>.png}; returns the file.
     */
    public Path screenshot(String name) {
        if (!name.matches("[A-Za-z0-9_.-]+")) {
            throw new IllegalArgumentException("a screenshot name is a file name: " + name);
        }
        Path file = screenshotDir().resolve(name + ".png");
        Dimension window = driver.manage().window().getSize();
        Object hidden = driver.executeScript(
                "return document.documentElement.scrollHeight - window.innerHeight");
        int below = hidden instanceof Number n ? n.intValue() : 0;
        try {
            if (below > 0) {
                driver.manage().window().setSize(new Dimension(window.getWidth(),
                        Math.min(window.getHeight() + below, MAX_SHOT_HEIGHT)));
            }
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        finally {
            driver.manage().window().setSize(window);
        }
        return file;
    }

    /** {@code pgbridge-server/target/screenshots} (failsafe runs in the module's directory and sets basedir). */
    public static Path screenshotDir() {
        return Path.of(System.getProperty("basedir", "."), "target", "screenshots");
    }

    @Override
    public void close() {
        try {
            driver.quit();
        }
        finally {
            service.stop();
            deleteTree(profile);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
        catch (IOException e) {
            // a profile file chromium still held: the temp directory is cleaned by the OS; nothing else depends on it
            System.err.println("could not delete the browser profile " + dir + ": " + e);
        }
    }
}
