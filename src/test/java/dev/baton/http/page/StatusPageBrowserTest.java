package dev.baton.http.page;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

import dev.baton.runtime.Elections;
import dev.baton.scheduling.records.ControlKeys;
import dev.baton.scheduling.records.JobRecord;
import dev.baton.store.LeaseStore;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * The status page in a real browser (headless Chromium), as a person sees it: every job by name, who holds each
 * Lease, a mark on the hour's picture for each run as it happens (red for a failure, naming the replica), a job
 * suspended by an annotation on its Lease (written as {@code kubectl annotate} would) shown as suspended and getting
 * no runs until resumed, and the dev build's buttons writing their annotations, "Run now" giving a manual run shown
 * with its token. A screenshot goes to {@code target/screenshots/baton-status.png}.
 */
@ExtendWith(HeadlessChromium.Installed.class)
@QuarkusTest
@TestProfile(PageProfiles.DevBuild.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StatusPageBrowserTest {

    static final Path SCREENSHOTS = Path.of("target", "screenshots");
    static final Pattern SLOT = Pattern.compile("slot (\\S+)");

    static WebDriver browser;
    static Path profile;

    @TestHTTPResource("/baton")
    URL page;

    @Inject
    Elections elections;

    @BeforeAll
    static void startBrowser() throws IOException {
        profile = Files.createTempDirectory("baton-chromium-");
        browser = HeadlessChromium.start(profile);
    }

    @AfterAll
    static void stopBrowser() throws IOException {
        if (browser != null) {
            browser.quit();
        }
        if (profile != null) {
            try (var paths = Files.walk(profile)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    @Order(1)
    void showsEachJobTheHoldersAndAMarkForEachRunAsItHappens() {
        open();
        String me = elections.identity();
        until(b -> text(leaseRow(elections.settings().leaseName())).contains(me));
        assertEquals("Last hour", text(By.id("h-timeline")));
        until(b -> text(leaseRow(PageJobs.REPORT_LEASE)).contains(me));
        for (String job : List.of(PageJobs.TICK, PageJobs.PAUSED, PageJobs.REPORT, PageJobs.FLAKY, PageJobs.HEARTBEAT)) {
            until(b -> text(jobRow(job)).contains(job));
        }
        until(b -> text(jobRow(PageJobs.REPORT)).contains("held by " + me));
        assertTrue(text(jobRow(PageJobs.HEARTBEAT)).contains("every replica"), text(jobRow(PageJobs.HEARTBEAT)));

        // A run after the page has drawn: its mark appears without reloading, and names the slot that ran.
        Instant recorded = lastRecordedSlot(elections.settings().leaseName(), PageJobs.TICK);
        until(b -> markSlots(PageJobs.TICK).stream().anyMatch(slot -> slot.isAfter(recorded)));
        until(b -> text(jobRow(PageJobs.TICK)).contains("SUCCEEDED"));

        // Coloured by outcome: a failure is red and says why (the error is in the job's last record, which the page
        // polls; history entries keep none); a success green.
        String error = "error: java.lang.IllegalStateException: " + PageJobs.FLAKY_ERROR;
        List<String> failed = new ArrayList<>();
        until("a red mark of page-flaky with its error", b -> marks(PageJobs.FLAKY, "o-failed").stream()
                .filter(m -> title(m).contains(error)).findFirst()
                .map(m -> failed.add(m.getCssValue("fill"))).orElse(false));
        assertEquals("rgb(198, 40, 40)", failed.get(0));
        List<List<String>> succeeded = new ArrayList<>();
        until(b -> marks(PageJobs.TICK, "o-succeeded").stream().findFirst()
                .map(m -> succeeded.add(List.of(m.getCssValue("fill"), title(m)))).orElse(false));
        assertEquals("rgb(46, 125, 50)", succeeded.get(0).get(0));

        // Naming the replica: its letter on the marks, and the legend says whose letter it is.
        String letter = browser.findElements(By.cssSelector("#legend .replica")).stream().map(WebElement::getText)
                .filter(t -> t.contains(me)).findFirst().orElseThrow(() -> new AssertionError("no legend for " + me))
                .substring(0, 1);
        String tooltip = succeeded.get(0).get(1);
        assertTrue(tooltip.contains("replica " + me + " (" + letter + ")"), tooltip);
        assertTrue(browser.findElements(By.cssSelector("#timeline g[data-job='" + PageJobs.TICK + "'] .mark-label"))
                .stream().anyMatch(l -> l.getText().equals(letter)), "the replica's letter over the marks");

        // In a cluster each control is a kubectl line: the page gives it for each job, ready to copy.
        browser.findElement(By.cssSelector("#kubectl summary")).click();
        String kubectl = text(By.id("kubectl-lines"));
        // As the README has them: kubectl annotate [--overwrite] lease -n <namespace> <lease> <key>=<value> or <key>-
        String target = "lease -n " + store().namespace() + " " + PageJobs.REPORT_LEASE;
        String suspend = ControlKeys.of(ControlKeys.SUSPEND, PageJobs.FLAKY);
        assertTrue(kubectl.contains("kubectl annotate --overwrite " + target + " " + suspend + "=true"), kubectl);
        assertTrue(kubectl.contains("kubectl annotate " + target + " " + suspend + "-"), kubectl);
        assertTrue(kubectl.contains("kubectl annotate --overwrite " + target + " "
                + ControlKeys.of(ControlKeys.RUN, PageJobs.FLAKY) + "=$(date +%s)"), kubectl);
        // A long id's short form, as the scheduler computes it.
        assertTrue(kubectl.contains("kubectl annotate --overwrite lease -n " + store().namespace() + " "
                + elections.settings().leaseName() + " " + ControlKeys.of(ControlKeys.SUSPEND, PageJobs.LONG) + "=true"),
                kubectl);
        browser.findElement(By.cssSelector("#kubectl summary")).click();
    }

    /**
     * A job suspended on its Lease, as {@code kubectl annotate} suspends it, is shown suspended and gets no new marks
     * while its schedule keeps firing (a job on the same Lease with the same schedule keeps running); a run asked for
     * meanwhile is refused and shown so; resumed, it runs again. Last, so that the page has been open a while and the
     * screenshot shows some runs.
     */
    @Test
    @Order(4)
    void aJobSuspendedOnItsLeaseIsShownSuspendedAndDoesNotRunUntilResumed() throws IOException {
        open();
        String lease = elections.settings().leaseName();
        String key = ControlKeys.of(ControlKeys.SUSPEND, PageJobs.PAUSED);
        String runKey = ControlKeys.of(ControlKeys.RUN, PageJobs.PAUSED);
        lastRecordedSlot(lease, PageJobs.PAUSED); // it has run: the holder marks a suspension in its record
        KubectlAnnotate.annotate(store(), lease, key, "true");
        Instant since;
        try {
            until(b -> text(jobRow(PageJobs.PAUSED)).contains("suspended"));
            assertTrue(text(jobRow(PageJobs.PAUSED)).contains(key), "says by which annotation");
            assertTrue(browser.findElement(By.cssSelector("#timeline g[data-job='" + PageJobs.PAUSED + "']"))
                    .getText().contains("suspended"), "its row of the picture says so too");
            for (String other : List.of(PageJobs.TICK, PageJobs.REPORT, PageJobs.FLAKY)) {
                assertFalse(text(jobRow(other)).contains("suspended"), other + ": " + text(jobRow(other)));
            }
            until(b -> text(leaseRow(lease)).contains(key + "=true"));

            // The holder saw it: its record says since when. No slot after that runs, while page-tick, on the same
            // Lease every second as well, runs several.
            since = suspendedSince(lease, PageJobs.PAUSED);
            until("runs of page-tick after " + since,
                    b -> markSlots(PageJobs.TICK).stream().filter(slot -> slot.isAfter(since)).count() >= 3);
            assertEquals(List.of(), markSlots(PageJobs.PAUSED).stream().filter(slot -> slot.isAfter(since)).toList(),
                    "marks of page-paused while it was suspended (since " + since + ")");
            assertTrue(text(jobRow(PageJobs.PAUSED)).contains("suspended"), text(jobRow(PageJobs.PAUSED)));

            // Run now, from the page, on a suspended job: refused, and the page shows the refusal with its token.
            click(PageJobs.PAUSED, "run");
            await().atMost(Duration.ofSeconds(30)).until(() -> KubectlAnnotate.get(store(), lease, runKey)
                    .filter(t -> t.startsWith("dev-")).isPresent());
            String token = KubectlAnnotate.get(store(), lease, runKey).orElseThrow();
            until("the refusal of " + token + " on the page", b -> markTitles(PageJobs.PAUSED).stream()
                    .anyMatch(t -> t.startsWith(PageJobs.PAUSED + ": REFUSED")
                            && t.contains("trigger manual (request " + token + ")")));
            until(b -> !text(jobRow(PageJobs.PAUSED)).contains("run requested"));
            assertEquals(List.of(), markTitles(PageJobs.PAUSED).stream()
                    .filter(t -> !t.contains(": REFUSED") && slotOf(t).isAfter(since)).toList(),
                    "no run of page-paused while it was suspended");

            // The picture's closest look, where the runs of the minute the test ran are apart.
            browser.findElement(By.cssSelector("#range button[data-span='60000']")).click();
            until(b -> text(By.id("h-timeline")).equals("Last minute"));
            screenshot();
            browser.findElement(By.cssSelector("#range button[data-span='3600000']")).click();
        } finally {
            KubectlAnnotate.annotate(store(), lease, key, null);
            KubectlAnnotate.annotate(store(), lease, runKey, null);
        }
        until(b -> !text(jobRow(PageJobs.PAUSED)).contains("suspended"));
        // Resumed, it runs again at its next slots.
        until("a run of page-paused after it was resumed", b -> markTitles(PageJobs.PAUSED).stream()
                .anyMatch(t -> t.startsWith(PageJobs.PAUSED + ": SUCCEEDED") && slotOf(t).isAfter(since)));
    }

    @Test
    @Order(2)
    void suspendingAWholeLeaseShowsEachOfItsJobsSuspended() {
        open();
        KubectlAnnotate.annotate(store(), PageJobs.REPORT_LEASE, "baton.dev/suspend", "true");
        try {
            until(b -> text(jobRow(PageJobs.REPORT)).contains("suspended")
                    && text(jobRow(PageJobs.FLAKY)).contains("suspended"));
            assertFalse(text(jobRow(PageJobs.TICK)).contains("suspended"), "a job of another Lease");
        } finally {
            KubectlAnnotate.annotate(store(), PageJobs.REPORT_LEASE, "baton.dev/suspend", null);
        }
        until(b -> !text(jobRow(PageJobs.REPORT)).contains("suspended"));
    }

    @Test
    @Order(3)
    void theDevButtonsWriteTheAnnotationsAndRunNowRunsTheJob() throws Exception {
        open();
        String lease = elections.settings().leaseName();
        String suspendKey = ControlKeys.of(ControlKeys.SUSPEND, PageJobs.TICK);
        String runKey = ControlKeys.of(ControlKeys.RUN, PageJobs.TICK);
        List<String> requests = new ArrayList<>();
        // Watched rather than read afterwards: a scheduler that acts on run requests may mark one done at once.
        try (AutoCloseable watch = store().watch(lease, new LeaseStore.LeaseWatcher() {
            @Override
            public void onChange(Optional<dev.baton.store.LeaseSnapshot> snapshot) {
                snapshot.map(s -> s.record().annotation(runKey)).ifPresent(token -> {
                    synchronized (requests) {
                        requests.add(token);
                    }
                });
            }

            @Override
            public void onClose(dev.baton.store.LeaseStoreException cause) {
            }
        })) {
            click(PageJobs.TICK, "suspend");
            await().atMost(Duration.ofSeconds(10)).until(() -> KubectlAnnotate.get(store(), lease, suspendKey)
                    .equals(Optional.of("true")));
            until(b -> text(jobRow(PageJobs.TICK)).contains("suspended")
                    && button(PageJobs.TICK, "resume").getText().equals("Resume"));
            until(b -> text(By.id("status")).contains("Wrote " + suspendKey + "=true"));

            click(PageJobs.TICK, "resume");
            await().atMost(Duration.ofSeconds(10)).until(() -> KubectlAnnotate.get(store(), lease, suspendKey)
                    .isEmpty());
            until(b -> !text(jobRow(PageJobs.TICK)).contains("suspended"));

            click(PageJobs.TICK, "run");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                synchronized (requests) {
                    assertTrue(requests.stream().anyMatch(t -> t.startsWith("dev-")), requests.toString());
                }
            });
            String token;
            synchronized (requests) {
                token = requests.stream().filter(t -> t.startsWith("dev-")).findFirst().orElseThrow();
            }
            // The holder runs it: a run triggered manually, with that token, appears on the page.
            until("a manual run of " + token + " on the page", b -> markTitles(PageJobs.TICK).stream()
                    .anyMatch(t -> t.startsWith(PageJobs.TICK + ": SUCCEEDED")
                            && t.contains("trigger manual (request " + token + ")")));
            until(b -> !text(jobRow(PageJobs.TICK)).contains("run requested"));
        } finally {
            KubectlAnnotate.annotate(store(), lease, suspendKey, null);
            KubectlAnnotate.annotate(store(), lease, runKey, null);
        }
    }

    // ------------------------------------------------------------------ what the page shows

    /** Opens the page, unless it is open: it stays open across the tests and gathers the runs it sees. */
    private void open() {
        if (!page.toString().equals(browser.getCurrentUrl())) {
            browser.get(page.toString());
        }
        until(b -> !browser.findElements(By.cssSelector("#jobs tbody tr")).isEmpty());
    }

    private LeaseStore store() {
        return elections.store();
    }

    private By leaseRow(String leaseName) {
        return By.cssSelector("#leases tr[data-lease='" + store().namespace() + "/" + leaseName + "']");
    }

    private static By jobRow(String job) {
        return By.cssSelector("#jobs tr[data-job='" + job + "']");
    }

    private static String text(By by) {
        List<WebElement> found = browser.findElements(by);
        return found.isEmpty() ? "" : found.get(0).getText();
    }

    private static List<WebElement> marks(String job, String outcomeClass) {
        return browser.findElements(By.cssSelector("#timeline g[data-job='" + job + "'] rect.mark." + outcomeClass));
    }

    /** A mark's tooltip, as a person hovering over it reads it. */
    private static String title(WebElement mark) {
        return (String) ((JavascriptExecutor) browser).executeScript(
                "return arguments[0].querySelector('title').textContent", mark);
    }

    /** The tooltips of the job's marks, in one read of the page (it may redraw between two). */
    @SuppressWarnings("unchecked")
    private static List<String> markTitles(String job) {
        return (List<String>) ((JavascriptExecutor) browser).executeScript(
                "return [...document.querySelectorAll(\"#timeline g[data-job='\" + arguments[0] + \"'] rect.mark title\")]"
                        + ".map(t => t.textContent)", job);
    }

    private static List<Instant> markSlots(String job) {
        return markTitles(job).stream().map(StatusPageBrowserTest::slotOf).toList();
    }

    /** The slot a mark's tooltip names. */
    private static Instant slotOf(String title) {
        Matcher m = SLOT.matcher(title);
        if (!m.find()) {
            throw new AssertionError("a mark without its slot: " + title);
        }
        return Instant.parse(m.group(1));
    }

    private static WebElement button(String job, String action) {
        return browser.findElement(By.cssSelector("#jobs tr[data-job='" + job + "'] button[data-action='" + action + "']"));
    }

    private static void click(String job, String action) {
        until(b -> {
            button(job, action).click();
            return true;
        });
    }

    private Instant lastRecordedSlot(String lease, String job) {
        await().atMost(Duration.ofSeconds(20)).until(() -> KubectlAnnotate.get(store(), lease, JobRecord.PREFIX + job)
                .isPresent());
        return JobRecord.parse(KubectlAnnotate.get(store(), lease, JobRecord.PREFIX + job).orElseThrow()).orElseThrow()
                .slot();
    }

    /** Since when the holder has seen the job suspended, as it marks the job's record; waits for the mark. */
    private Instant suspendedSince(String lease, String job) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> KubectlAnnotate.get(store(), lease,
                JobRecord.PREFIX + job).flatMap(JobRecord::parse).map(JobRecord::suspendedSince).orElse(null),
                java.util.Objects::nonNull);
    }

    /** Waits for what a person would wait for; the page redraws itself, so an element may be replaced meanwhile. */
    private static void until(Function<WebDriver, Boolean> condition) {
        until("the page to show it", condition);
    }

    /** As {@link #until(Function)}, saying what did not show up when it times out. */
    private static void until(String what, Function<WebDriver, Boolean> condition) {
        new WebDriverWait(browser, Duration.ofSeconds(30)).ignoring(StaleElementReferenceException.class)
                .withMessage(what).until(condition);
    }

    /** The whole page, as tall as it is. */
    private static void screenshot() throws IOException {
        long height = (Long) ((JavascriptExecutor) browser).executeScript(
                "return Math.ceil(document.documentElement.scrollHeight + window.outerHeight - window.innerHeight)");
        browser.manage().window().setSize(new Dimension(1280, (int) Math.min(Math.max(height, 600), 4000)));
        Files.createDirectories(SCREENSHOTS);
        Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, SCREENSHOTS.resolve("baton-status.png"), StandardCopyOption.REPLACE_EXISTING);
        browser.manage().window().setSize(new Dimension(1280, 1000));
    }
}
