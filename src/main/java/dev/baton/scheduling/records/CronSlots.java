package dev.baton.scheduling.records;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Optional;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;

/**
 * The slots of a cron schedule, computed with cron-utils as Quarkus's scheduler does, so both agree on which
 * instants are slots. Only cron schedules have slots that every replica names the same way; an {@code every}
 * interval counts from each replica's own start.
 */
public final class CronSlots {

    private final String expression;
    private final ExecutionTime executionTime;
    private final ZoneId zone;

    /**
     * @param expression the cron expression
     * @param type as {@code quarkus.scheduler.cron-type}: quartz (the default), unix, cron4j, spring, spring53
     * @param zone the zone the expression is evaluated in
     * @throws IllegalArgumentException for an expression that does not parse
     */
    public CronSlots(String expression, String type, ZoneId zone) {
        this.expression = expression;
        this.zone = zone;
        CronType cronType = CronType.valueOf(type.toUpperCase(Locale.ROOT));
        this.executionTime = ExecutionTime.forCron(
                new CronParser(CronDefinitionBuilder.instanceDefinitionFor(cronType)).parse(expression));
    }

    /** Quartz syntax in the system zone. */
    public static CronSlots quartz(String expression) {
        return new CronSlots(expression, "quartz", ZoneId.systemDefault());
    }

    /** The latest slot at or before {@code now}. */
    public Optional<Instant> latestAtOrBefore(Instant now) {
        // Slots are whole seconds and cron-utils answers "strictly before": ask before the next whole second.
        Instant probe = now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).plusSeconds(1);
        return executionTime.lastExecution(probe.atZone(zone)).map(z -> z.toInstant());
    }

    /** The first slot after {@code now}. */
    public Optional<Instant> next(Instant now) {
        return executionTime.nextExecution(now.atZone(zone)).map(z -> z.toInstant());
    }

    @Override
    public String toString() {
        return expression;
    }
}
