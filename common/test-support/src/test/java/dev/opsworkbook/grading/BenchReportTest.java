package dev.opsworkbook.grading;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The benchmark table")
class BenchReportTest {

    private static final String JMH_JSON = """
            [
              {"benchmark": "dev.ow.FooBenchmark.spawn_impl", "mode": "avgt", "params": {"size": "8"},
               "primaryMetric": {"score": 1100.0, "scoreError": 10.0, "scoreUnit": "us/op"}},
              {"benchmark": "dev.ow.FooBenchmark.spawn_baselineLib", "mode": "avgt", "params": {"size": "8"},
               "primaryMetric": {"score": 1000.0, "scoreError": 12.0, "scoreUnit": "us/op"}},
              {"benchmark": "dev.ow.FooBenchmark.latency_impl", "mode": "sample",
               "primaryMetric": {"score": 26.0, "scoreError": 2.0, "scoreUnit": "ms/op",
                                 "scorePercentiles": {"50.0": 24.5, "90.0": 45.0}}},
              {"benchmark": "dev.ow.FooBenchmark.submit_impl", "mode": "thrpt",
               "primaryMetric": {"score": 450.0, "scoreError": 5.0, "scoreUnit": "ops/ms"}},
              {"benchmark": "dev.ow.FooBenchmark.submit_baselineExecutor", "mode": "thrpt",
               "primaryMetric": {"score": 500.0, "scoreError": 5.0, "scoreUnit": "ops/ms"}}
            ]
            """;

    @Test
    @DisplayName("reports each implementation as a cost relative to the baselines of its own scenario and run")
    void ratios() {
        List<BenchReport.Result> results = BenchReport.parse("reference", JMH_JSON);

        String table = BenchReport.table(results, Map.of());

        assertThat(table).contains("1.10× baselineLib") // 1100 us vs 1000 us: 10% slower
                .contains("1.11× baselineExecutor") // 450 vs 500 ops/ms: costs 500/450 as much
                .doesNotContain("× baselineExecutor  1.")
                .contains("(baseline)")
                .contains("(p50 24.500)");
    }

    @Test
    @DisplayName("names the benchmarks that failed because the learner's method is still a stub")
    void stubbedBenchmarks() {
        String log = """
                # Benchmark: dev.ow.FooBenchmark.spawn_baselineLib
                Iteration   1: 1000.0 us/op
                # Benchmark: dev.ow.FooBenchmark.spawn_impl
                # Warmup Iteration   1: <failure>

                java.lang.UnsupportedOperationException: TODO: run the command
                \tat dev.ow.Foo.run(Foo.java:41)
                # Benchmark: dev.ow.FooBenchmark.other_impl
                # Warmup Iteration   1: <failure>

                java.lang.IllegalStateException: a real bug
                """;

        Set<String> stubbed = BenchReport.stubbed(log);

        assertThat(stubbed).containsExactly("spawn_impl");
        assertThat(BenchReport.table(List.of(), Map.of("learner", stubbed)))
                .contains("learner", "spawn_impl", "not implemented yet");
    }
}
