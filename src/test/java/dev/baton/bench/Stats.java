package dev.baton.bench;

import java.util.List;

/** Percentiles of a sample (nearest rank); all -1 when empty. */
record Stats(int n, long p50, long p95, long max) {

    static Stats of(List<Long> values) {
        if (values.isEmpty()) {
            return new Stats(0, -1, -1, -1);
        }
        List<Long> sorted = values.stream().sorted().toList();
        return new Stats(sorted.size(), rank(sorted, 0.50), rank(sorted, 0.95), sorted.get(sorted.size() - 1));
    }

    private static long rank(List<Long> sorted, double q) {
        int i = (int) Math.ceil(q * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }
}
