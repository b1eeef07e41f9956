package dev.baton.scheduling.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.NoSuchElementException;

import org.junit.jupiter.api.Test;

import io.quarkus.scheduler.common.runtime.util.SchedulerUtils;

/**
 * Baton reads {@code @Scheduled} values by the scheduler's rules without importing the scheduler's internals; this
 * test holds the two side by side (tests may import them), so an upgrade that changes the rules fails here.
 */
class ScheduleValuesTest {

    static final List<String> VALUES = List.of("off", "OFF", "disabled", "Disabled", "10s", "0 * * * * ?", "",
            "${baton.test.absent:5s}", "  ${baton.test.absent:off}", "{baton.test.absent:7s}", " {x} ",
            "every ${baton.test.absent:1}s", "${baton.test.absent:${baton.test.other:9}}", "${not closed", "$}{",
            "{not a key", "{}");

    @Test
    void theRulesAreTheSchedulersOwn() {
        for (String value : VALUES) {
            assertEquals(SchedulerUtils.isOff(value), ScheduleValues.isOff(value), value);
            assertEquals(SchedulerUtils.isConfigValue(value), ScheduleValues.isConfigValue(value), value);
            if (!value.contains("{x}") && !value.equals("{}")) {
                assertEquals(SchedulerUtils.lookUpPropertyValue(value), ScheduleValues.lookUp(value), value);
            }
        }
    }

    @Test
    void referencesAreResolvedFromTheConfigurationWithTheirDefaults() {
        assertEquals("5s", ScheduleValues.lookUp("${baton.test.absent:5s}"));
        assertEquals("off", ScheduleValues.lookUp("  ${baton.test.absent:off}"));
        assertEquals("7s", ScheduleValues.lookUp("{baton.test.absent:7s}"));
        assertEquals("every 1s", ScheduleValues.lookUp("every ${baton.test.absent:1}s"));
        assertEquals("9", ScheduleValues.lookUp("${baton.test.absent:${baton.test.other:9}}"));
        assertEquals("0 * * * * ?", ScheduleValues.lookUp("0 * * * * ?"));
        NoSuchElementException e = assertThrows(NoSuchElementException.class, () -> ScheduleValues.lookUp(" {x} "));
        assertEquals("Could not expand value x in property ${x} ", e.getMessage());
    }
}
