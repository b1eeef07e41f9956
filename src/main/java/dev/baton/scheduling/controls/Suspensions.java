package dev.baton.scheduling.controls;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.jboss.logging.Logger;

import dev.baton.LeaseRef;
import dev.baton.scheduling.records.ControlKeys;
import dev.baton.scheduling.records.JobSpec;

/**
 * Whether a job is suspended, read from the Lease its elector already observes (so the holder acts on a change
 * within one watch delivery, or one renewal where watching is forbidden, and no API call is made):
 * {@code baton.dev/suspend.<job>=true} suspends one job, {@code baton.dev/suspend=true} every job of the Lease;
 * removing the annotation (or setting it to {@code false}) resumes. Any other value is not a decision anyone can
 * read: it is ignored (and reported once by {@link LeaseControls}), so a typo never stops a job nobody meant to stop.
 * <p>
 * The holder logs each change once per job ({@link #note}); the decision itself ({@link #suspendedBy}) is pure.
 */
public final class Suspensions {

    private static final Logger LOG = Logger.getLogger(Suspensions.class);

    /** Per job id, what was last logged: the suspending annotation, or "" for resumed. */
    private final Map<String, String> logged = new ConcurrentHashMap<>();

    /** The annotation that suspends {@code spec} in {@code annotations}, or empty when it is not suspended. */
    public static Optional<String> suspendedBy(JobSpec spec, Map<String, String> annotations) {
        if (isTrue(annotations.get(spec.suspendKey()))) {
            return Optional.of(spec.suspendKey());
        }
        if (isTrue(annotations.get(ControlKeys.SUSPEND_ALL))) {
            return Optional.of(ControlKeys.SUSPEND_ALL);
        }
        return Optional.empty();
    }

    /** True for the one value that suspends. */
    static boolean isTrue(String value) {
        return value != null && value.trim().equalsIgnoreCase("true");
    }

    /** True for a value that says something: {@code true} or {@code false}. */
    static boolean isDecision(String value) {
        return value != null && (isTrue(value) || value.trim().equalsIgnoreCase("false"));
    }

    /**
     * The holder saw {@code spec} suspended by {@code by} (empty: not suspended): logs it if that is a change. The
     * first look logs only a suspension, so a replica that starts leading does not announce every job as resumed.
     */
    public void note(JobSpec spec, LeaseRef lease, Optional<String> by) {
        String now = by.orElse("");
        String before = logged.put(spec.id(), now);
        if (now.equals(before) || (before == null && now.isEmpty())) {
            return;
        }
        if (by.isPresent()) {
            LOG.infof("Singleton job %s is suspended (%s=true on lease %s): its fires are skipped, its run requests "
                    + "refused, and the slots it misses are not caught up", spec.id(), now, lease);
        } else {
            LOG.infof("Singleton job %s is resumed on lease %s: it runs from its next slot (the slots it missed while "
                    + "suspended are not caught up)", spec.id(), lease);
        }
    }
}
