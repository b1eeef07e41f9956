package dev.baton.http.page;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.baton.runtime.Elections;
import dev.baton.scheduling.records.ControlKeys;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * {@code GET /baton} and its JSON in the test build, which is built as prod is as far as the page goes: the page
 * loads nothing from elsewhere, the state names each Lease's holder, epoch and since when, shows the control
 * annotations an operator set (and no other annotation, not even what Baton writes beside them), and there are no
 * dev controls: their URLs answer 404 and write nothing.
 */
@QuarkusTest
@TestProfile(PageProfiles.TestBuild.class)
class StatusPageTest {

    static final String SERVICE_LEASE = "leases.find { it.name == 'baton-leader' }.";
    static final String REPORT_LEASE = "leases.find { it.name == '" + PageJobs.REPORT_LEASE + "' }.";

    @Inject
    Elections elections;

    @Test
    void thePageIsServedWithItsAssetsAndLoadsNothingFromElsewhere() {
        String html = given().get("/baton").then().statusCode(200)
                .contentType(containsString("text/html"))
                .header("Content-Security-Policy", StatusPageResource.CONTENT_SECURITY_POLICY)
                .body(containsString("<title>Baton status</title>"))
                .extract().asString();
        // Every URL the page names is on this service.
        Matcher urls = Pattern.compile("(?:src|href)=\"([^\"]*)\"").matcher(html);
        int found = 0;
        while (urls.find()) {
            found++;
            String url = urls.group(1);
            assertFalse(url.contains("//"), "a URL off this service: " + url);
            given().get(url).then().statusCode(200);
        }
        assertEquals(6, found, "stylesheet, script, and the two JSON sources named twice each: " + html);
        String script = given().get("/baton/status.js").then().statusCode(200)
                .contentType(containsString("javascript")).extract().asString();
        // The one absolute URL in the script is SVG's namespace, a name that is never fetched.
        String fetched = script.replace("'http://www.w3.org/2000/svg'", "");
        assertFalse(fetched.contains("http://") || fetched.contains("https://"), "a URL off this service");
        given().get("/baton/status.css").then().statusCode(200).contentType(containsString("text/css"))
                .body(not(containsString("url(")), not(containsString("@import")));
    }

    @Test
    void theStateNamesEachLeaseItsHolderEpochAndSinceWhen() {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().get("/baton/state").then().statusCode(200)
                .body(REPORT_LEASE + "holder", equalTo(elections.identity())));
        long epoch = elections.service().currentTerm().orElseThrow().epoch();
        given().get("/baton/state").then().statusCode(200)
                .body("replica", equalTo(elections.identity()))
                .body("now", notNullValue())
                .body("clockOffset", equalTo("no cluster clock (embedded store)"))
                .body("devControls", is(false))
                .body("leases[0].name", equalTo("baton-leader"))
                .body(SERVICE_LEASE + "lease", equalTo(elections.serviceLease().toString()))
                .body(SERVICE_LEASE + "serviceWide", is(true))
                .body(SERVICE_LEASE + "holder", equalTo(elections.identity()))
                .body(SERVICE_LEASE + "heldHere", is(true))
                .body(SERVICE_LEASE + "epoch", equalTo((int) epoch))
                .body(SERVICE_LEASE + "since", notNullValue())
                .body(SERVICE_LEASE + "renewed", notNullValue())
                .body(SERVICE_LEASE + "updates", equalTo("watch"))
                .body(SERVICE_LEASE + "error", nullValue())
                .body(REPORT_LEASE + "serviceWide", is(false));
    }

    @Test
    void controlAnnotationsAreShownAndNoOtherAnnotation() {
        String lease = PageJobs.REPORT_LEASE;
        String suspend = ControlKeys.of(ControlKeys.SUSPEND, PageJobs.FLAKY);
        String run = ControlKeys.of(ControlKeys.RUN, PageJobs.REPORT);
        String token = "page-test-" + System.nanoTime();
        await().atMost(Duration.ofSeconds(20)).until(() -> elections.store().get(lease).isPresent());
        KubectlAnnotate.annotate(elections.store(), lease, suspend, "true");
        KubectlAnnotate.annotate(elections.store(), lease, run, token);
        KubectlAnnotate.annotate(elections.store(), lease, "example.com/owner", "team-a");
        try {
            // The holder answers the request in the job's run status: Baton's, not a control, so not shown.
            await().atMost(Duration.ofSeconds(20)).until(() -> KubectlAnnotate.get(elections.store(), lease,
                    ControlKeys.of(ControlKeys.RUN_STATUS, PageJobs.REPORT)).filter(s -> s.contains(token)).isPresent());
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().get("/baton/state").then()
                    .body(REPORT_LEASE + "controls.'" + suspend + "'", equalTo("true"))
                    .body(REPORT_LEASE + "controls.'" + run + "'", equalTo(token)));
            given().get("/baton/state").then()
                    .body(REPORT_LEASE + "controls.size()", equalTo(2))
                    .body(not(containsString("team-a")))
                    .body(not(containsString("baton.dev/job.")))
                    .body(not(containsString("baton.dev/history.")))
                    .body(not(containsString("baton.dev/run-status.")));
        } finally {
            KubectlAnnotate.annotate(elections.store(), lease, suspend, null);
            KubectlAnnotate.annotate(elections.store(), lease, run, null);
            KubectlAnnotate.annotate(elections.store(), lease, "example.com/owner", null);
        }
    }

    @Test
    void theTestBuildHasNoDevControls() {
        String lease = elections.settings().leaseName();
        await().atMost(Duration.ofSeconds(20)).until(() -> elections.store().get(lease).isPresent());
        for (String action : new String[] { "suspend", "resume", "run" }) {
            given().contentType("application/json").body("{}")
                    .post("/baton/dev/jobs/" + PageJobs.TICK + "/" + action)
                    .then().statusCode(404);
        }
        assertEquals(Optional.empty(), KubectlAnnotate.get(elections.store(), lease, "baton.dev/suspend." + PageJobs.TICK));
        assertEquals(Optional.empty(), KubectlAnnotate.get(elections.store(), lease, "baton.dev/run." + PageJobs.TICK));
    }
}
