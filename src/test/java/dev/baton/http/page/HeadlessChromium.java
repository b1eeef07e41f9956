package dev.baton.http.page;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's Chromium and its chromedriver ({@code apt-get install chromium chromium-driver}; {@code .ci/run} installs
 * them), both given by path so that Selenium never looks for, or downloads, a browser or a driver of its own.
 * Other paths: {@code -Dbrowser.chromium=... -Dbrowser.chromedriver=...}.
 */
final class HeadlessChromium {

    static final Path BROWSER = Path.of(System.getProperty("browser.chromium", "/usr/bin/chromium"));
    static final Path DRIVER = Path.of(System.getProperty("browser.chromedriver", "/usr/bin/chromedriver"));

    private HeadlessChromium() {
    }

    /**
     * Skips a browser test, saying why, when Chromium is not installed, except in CI ({@code CI=true}), where the
     * browser test must run: there it runs and {@link #start} fails, naming what is missing. Evaluated before the
     * application starts, so a skipped test costs nothing.
     */
    static final class Installed implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            if (installed() || "true".equals(System.getenv("CI"))) {
                return ConditionEvaluationResult.enabled("Chromium and chromedriver at " + BROWSER + ", " + DRIVER);
            }
            System.err.println("SKIPPED " + context.getDisplayName() + ": " + missing());
            return ConditionEvaluationResult.disabled(missing());
        }
    }

    static boolean installed() {
        return Files.isExecutable(BROWSER) && Files.isExecutable(DRIVER);
    }

    static String missing() {
        return "the status page's browser test needs Chromium and chromedriver, not found at " + BROWSER + " and "
                + DRIVER + ": apt-get install chromium chromium-driver (or set -Dbrowser.chromium and "
                + "-Dbrowser.chromedriver)";
    }

    /** A headless browser with a fresh profile in {@code profile}; fails, naming what is missing, without one. */
    static WebDriver start(Path profile) {
        if (!installed()) {
            fail(missing() + ". CI must run it: .ci/run installs both when they are missing");
        }
        try {
            Files.createDirectories(profile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                // Nothing but the page under test: no update checks, sync, or first-run pages reaching out.
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--no-default-browser-check", "--user-data-dir=" + profile.toAbsolutePath(),
                "--window-size=1280,1000", "--force-device-scale-factor=1", "--lang=en-US");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(DRIVER.toString()))
                .usingAnyFreePort()
                .build();
        return new ChromeDriver(service, options);
    }
}
