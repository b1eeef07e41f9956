/**
 * How far this replica's wall clock is from the cluster's, measured from the API server's answers.
 *
 * <h2>Why measure it</h2>
 * The election never needs it: expiry is judged on the monotonic clock (see {@code dev.baton.election}). Singleton
 * jobs do: a cron slot is named by the leader's wall clock, so a replica whose clock is minutes off names slots
 * that other replicas already ran, or that no replica has reached. A replica cannot see its own error, but every
 * answer of the API server carries a {@code Date} header stamped by the cluster's clock, and the elector talks to
 * the API server every retry period anyway: measuring costs no extra request.
 *
 * <h2>What one answer tells</h2>
 * The offset is this replica's clock minus the cluster's: positive when this replica is ahead. Sent at local time
 * {@code S}, answered after a round trip {@code rtt} (monotonic clock), the server stamped {@code Date = D} at some
 * local moment in {@code [S, S + rtt]}, when its own clock read something in {@code [D, D + 1 s)} (the header has
 * whole seconds, truncated). So
 *
 * <pre>
 * S - D - 1 s  &lt;=  offset  &lt;=  S + rtt - D         width: 1 s + rtt
 * </pre>
 *
 * One answer bounds the offset to about a second. Answers arrive at different points of the second (the retry
 * period carries jitter), and each cuts the interval at a different place: their intersection narrows to a few
 * tens of milliseconds after a few dozen answers on a fast network (see {@link dev.baton.clock.ClockOffsetEstimator}).
 *
 * <h2>What it cannot tell</h2>
 * <ul>
 * <li>Nothing finer than the intersection: a slow answer widens only its own interval, and a single answer leaves
 * about ±0.5 s. Anything under a second or two is not reliably measurable this way.</li>
 * <li>A step of the local clock (NTP step, VM resume) smaller than the current uncertainty goes unnoticed until
 * an answer contradicts the old ones; a larger one is seen at the next answer, and the estimate restarts from it.</li>
 * <li>Behind a load balancer over API servers whose clocks disagree, answers contradict each other and the
 * estimate keeps restarting: the uncertainty then stays near a second.</li>
 * <li>Nothing between answers: the uncertainty grows by the drift allowance (500 ppm) from the newest answer on. A
 * leader renews every retry period, so its estimate stays fresh; a standby that only watches gets an answer when the
 * watch reconnects, and its uncertainty shows that.</li>
 * <li>The embedded store (dev mode, tests) has no cluster and no cluster clock: the estimate says so.</li>
 * </ul>
 *
 * <h2>The pieces</h2>
 * {@link dev.baton.clock.ClockOffsetEstimator} (pure: samples in, estimate out, clocks injected),
 * {@link dev.baton.clock.DateHeaderInterceptor} (fabric8's hook on every HTTP answer), {@link
 * dev.baton.clock.ClusterClock} (the CDI bean others read), {@link dev.baton.clock.ClockTrust} (the pure decision
 * whether the clock may name cron slots).
 */
package dev.baton.clock;
