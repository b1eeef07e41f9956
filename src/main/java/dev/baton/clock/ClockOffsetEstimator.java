package dev.baton.clock;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;

/**
 * Estimates this replica's wall-clock offset from the cluster's, one API answer at a time. Pure: no I/O, both
 * clocks injected, so tests drive it without sleeping.
 * <p>
 * Each answer bounds the offset to an interval (see the package documentation):
 * {@code [S - D - 1 s, S + rtt - D]}, with {@code S} the local wall time the request was sent, {@code rtt} its round
 * trip on the monotonic clock (so a wall-clock step during the request cannot make the interval nonsense), and
 * {@code D} the {@code Date} header. The true offset lies in every interval, so it lies in their intersection:
 * <ol>
 * <li>Walk from the newest answer to older ones, intersecting their intervals.</li>
 * <li>Widen an older interval by {@value #DRIFT_PPM} ppm of its age first: clocks run at slightly different rates
 * (NTP slews by at most 500 ppm), so what an answer said a minute ago may have moved by that much since.</li>
 * <li>Stop at the first answer that contradicts the newer ones (empty intersection): the local clock was stepped
 * (or the server's), so that answer and all older ones describe a clock that no longer exists. They are dropped and
 * the estimate restarts from the answers after them.</li>
 * <li>Forget answers older than {@link #MAX_AGE} or beyond the newest {@value #MAX_SAMPLES}: drift has made them
 * wider than the rest anyway.</li>
 * </ol>
 * The estimate is the middle of the intersection, the uncertainty half its width. Unlike an average, this never
 * needs a threshold to reject a slow answer (its interval is wide and cuts nothing) and its uncertainty is a bound,
 * not a statistic: the true offset is inside unless the server's header lies.
 * <p>
 * Thread-safe: answers may arrive on any client thread; {@link #estimate()} is a volatile read.
 */
public final class ClockOffsetEstimator {

    /** The {@code Date} header's resolution: whole seconds, truncated. */
    static final long DATE_RESOLUTION_NANOS = 1_000_000_000L;
    /** Allowance for the two clocks' rates differing, per elapsed time: NTP's maximum slew. */
    static final long DRIFT_PPM = 500;
    static final int MAX_SAMPLES = 64;
    static final Duration MAX_AGE = Duration.ofMinutes(10);

    /** A request on its way: when it left, on both clocks. */
    public record Exchange(Instant sentAt, long sentNanos) {
    }

    /** One answer's bounds on the offset (nanoseconds), and when it arrived on the monotonic clock. */
    private record Interval(long low, long high, long receivedNanos) {
    }

    private final Clock wall;
    private final Ticker ticker;
    private final Deque<Interval> intervals = new ArrayDeque<>(); // newest first
    private long steps;
    private volatile ClockEstimate current = ClockEstimate.NO_ANSWER;

    public ClockOffsetEstimator(Clock wall, Ticker ticker) {
        this.wall = wall;
        this.ticker = ticker;
    }

    /** Call just before a request leaves. */
    public Exchange sending() {
        return new Exchange(wall.instant(), ticker.nanos());
    }

    /**
     * Call when the answer's headers arrive, with its {@code Date} header (null when absent). An answer without a
     * usable date, or one whose offset does not fit in a {@code long} of nanoseconds (292 years), is ignored.
     */
    public void answered(Exchange request, String dateHeader) {
        long receivedNanos = ticker.nanos();
        HttpDate.parse(dateHeader).ifPresent(date -> {
            try {
                long roundTrip = Math.max(0, receivedNanos - request.sentNanos());
                long sentMinusDate = Duration.between(date, request.sentAt()).toNanos();
                add(new Interval(Math.subtractExact(sentMinusDate, DATE_RESOLUTION_NANOS),
                        Math.addExact(sentMinusDate, roundTrip), receivedNanos));
            } catch (ArithmeticException absurd) {
                // A date centuries away from this clock: a broken header, not a measurement.
            }
        });
    }

    /**
     * The estimate as of now; never blocks. Its uncertainty includes the drift allowance for the time since the newest
     * answer: a standby that only watches gets few answers, and what it measured an hour ago may be off by 1.8 s now.
     */
    public ClockEstimate estimate() {
        return current.agedTo(ticker.nanos());
    }

    private synchronized void add(Interval newest) {
        intervals.addFirst(newest);
        long low = Long.MIN_VALUE;
        long high = Long.MAX_VALUE;
        int used = 0;
        for (Iterator<Interval> it = intervals.iterator(); it.hasNext();) {
            Interval i = it.next();
            long age = newest.receivedNanos() - i.receivedNanos();
            if (used == MAX_SAMPLES || age > MAX_AGE.toNanos()) {
                dropRest(it);
                break;
            }
            long drift = drift(age);
            long l = Math.max(low, i.low() - drift);
            long h = Math.min(high, i.high() + drift);
            if (l > h) {
                steps++;
                dropRest(it);
                break;
            }
            low = l;
            high = h;
            used++;
        }
        long half = (high - low) / 2;
        current = new ClockEstimate(ClockEstimate.Source.MEASURED, Duration.ofNanos(low + half),
                Duration.ofNanos(half), used, newest.receivedNanos(), steps);
    }

    /** How far two clocks may move apart in {@code elapsedNanos}. */
    static long drift(long elapsedNanos) {
        return Math.max(0, elapsedNanos) / 1_000_000 * DRIFT_PPM;
    }

    /** Removes the interval last returned by {@code it} and all older ones. */
    private static void dropRest(Iterator<Interval> it) {
        it.remove();
        while (it.hasNext()) {
            it.next();
            it.remove();
        }
    }
}
