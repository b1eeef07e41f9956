package dev.baton.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;

/**
 * The failover benchmark: one shared test API server, the START part (one process at a time, {@link StartBench}),
 * then each group of replicas in turn (Baton, fabric8's {@code LeaderElector}, the naive baseline) with the same
 * scenarios and timings, then ROLL (a rolling upgrade from the previous release, {@link RollingUpgrade}), then the
 * report under {@code target/bench/}. Settings come from {@code bench.*} system
 * properties ({@link BenchSettings}).
 */
public final class Bench {

    private static final Logger LOG = Logger.getLogger(Bench.class);

    private Bench() {
    }

    /** Runs the groups named in {@code bench.groups} (default: all) and writes the report. */
    static BenchResult run(BenchSettings settings) throws IOException {
        if (!Files.exists(settings.jar())) {
            throw new IllegalStateException(settings.jar() + " is missing: it is built before the integration tests "
                    + "(./mvnw verify)");
        }
        Files.createDirectories(settings.out());
        List<Group.Kind> kinds = Arrays.stream(System.getProperty("bench.groups", "BATON,FABRIC8,NAIVE").split(","))
                .map(String::trim).map(Group.Kind::valueOf).toList();
        List<Group.Data> data = new ArrayList<>();
        StartBench.Result start = null;
        RollResult roll = null;
        try (MockApiServer api = MockApiServer.start(0)) {
            api.client().namespaces().resource(new NamespaceBuilder()
                    .withNewMetadata().withName(BenchSettings.NAMESPACE).endMetadata().build()).create();
            if (settings.scenarios().contains(Scenario.START)) {
                // First, on a quiet machine: one process at a time, nothing else running.
                LOG.info("Benchmark part: START");
                try {
                    start = StartBench.run(settings, api, kinds);
                } finally {
                    Replica.killAll();
                }
            }
            boolean disruptions = settings.scenarios().stream().anyMatch(Scenario::disruption);
            for (Group.Kind kind : disruptions ? kinds : List.<Group.Kind>of()) {
                LOG.infof("Benchmark group: %s", kind.title);
                try (Group group = new Group(kind, settings, api)) {
                    group.start();
                    if (kind == Group.Kind.NAIVE) {
                        group.idle(settings.naiveFor());
                    } else {
                        group.measureSteady();
                        group.runScenarios();
                    }
                    data.add(group.data());
                } finally {
                    Replica.killAll();
                }
            }
            if (settings.scenarios().contains(Scenario.ROLL)) {
                LOG.info("Benchmark part: ROLL");
                try {
                    roll = RollResult.of(RollingUpgrade.run(settings, api));
                } finally {
                    Replica.killAll();
                }
            }
        }
        BenchResult result = BenchResult.of(data, start).withRoll(roll);
        Report.write(settings, result);
        return result;
    }

    public static void main(String[] args) throws IOException {
        BenchResult result = run(BenchSettings.fromSystemProperties());
        System.out.println(Report.markdown(BenchSettings.fromSystemProperties(), result));
        // Client and server threads of the harness are not all daemons.
        System.exit(0);
    }
}
