package dev.baton.election;

import java.time.Duration;
import java.util.function.Predicate;

/**
 * Which annotations written through a shard's elector may land late, and how late (issue 19): they go to a Lease of
 * their own ({@link DeferredAnnotations}) at most {@code every} after the oldest of them was written, and whenever the
 * term hands over, instead of with each batch of records. The job runner's histories: what only tells the past (no
 * rule that keeps a slot or a run request from running twice reads them where they may wait), and whose bytes would
 * otherwise be sent again with every record written.
 *
 * @param keys the annotations that may wait
 * @param every how long the oldest of them may wait; zero: with the next batch of records
 */
public record AnnotationDeferral(Predicate<String> keys, Duration every) {

    /** Nothing waits: every annotation goes to the record Lease. */
    public static final AnnotationDeferral NONE = new AnnotationDeferral(key -> false, Duration.ZERO);

    public AnnotationDeferral {
        if (every.isNegative()) {
            throw new IllegalArgumentException("a negative wait: " + every);
        }
    }
}
