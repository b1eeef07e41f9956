package dev.baton.bench;

import java.util.Arrays;
import java.util.List;

/**
 * The SCALE part's API cost table ({@link ApiCostGroup}): how many singleton jobs per column, from
 * {@code bench.api-sizes}; the rest (window, replicas, timings) is the SCALE part's ({@link ScaleSettings}). A size
 * must be one of {@link #SIZES}: the benchmark's application switches its generated jobs on in those groups
 * ({@code src/bench/generate/api-cost-jobs.sh}).
 */
record ApiCostSettings(ScaleSettings scale, List<Integer> sizes) {

    /** The columns the issue asks for; CI measures a few of them. */
    static final List<Integer> SIZES = List.of(1, 10, 50, 200, 1000);

    /** Every job of the application fires at second 0 of every minute. */
    static final String CRON = "0 * * * * ?";

    static ApiCostSettings fromSystemProperties(ScaleSettings scale, String sizes) {
        List<Integer> s = Arrays.stream(System.getProperty("bench.api-sizes", sizes).split(",")).map(String::trim)
                .filter(x -> !x.isEmpty()).map(Integer::valueOf).toList();
        for (int n : s) {
            if (!SIZES.contains(n)) {
                throw new IllegalArgumentException("bench.api-sizes: " + n + " is not one of " + SIZES);
            }
        }
        return new ApiCostSettings(scale, s);
    }

    /** The configuration keys that switch on the first {@code jobs} generated jobs. */
    static List<String> cronKeys(int jobs) {
        return SIZES.stream().filter(s -> s <= jobs).map(s -> "bench.api.cron-upto-" + s).toList();
    }
}
