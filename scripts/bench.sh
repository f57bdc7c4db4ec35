#!/usr/bin/env bash
# Runs an exercise's JMH benchmarks on your code and on the reference, each next to its library
# baseline in the same run, and prints every implementation as a ratio to those baselines.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
    cat <<USAGE
usage: scripts/bench.sh EXERCISE [--solutions] [JMH args...]

Measures exercises/EXERCISE (your code) and solutions/EXERCISE (the reference), each in its own
JMH run beside the library baseline, then prints each as a ratio to the baseline of its own run.
  --solutions   measure only the reference
JMH args replace the short default ($DEFAULT_JMH); e.g. -f 2 -wi 5 -i 10, or a benchmark regex.
Results: target/bench/EXERCISE-{learner,reference}.json (JMH JSON) and .log, and the chart
target/bench/EXERCISE.svg (each implementation's cost relative to its baseline, with JMH's error),
which scripts/grade.sh --html embeds.
USAGE
}

DEFAULT_JMH="-f 1 -wi 2 -w 1s -i 3 -r 1s"
[ $# -ge 1 ] || { usage >&2; exit 2; }
case "$1" in -h | --help) usage; exit 0 ;; esac
slug=$(resolve_exercise "$1")
shift
sides=(learner reference)
jmh_args=()
for a in "$@"; do
    if [ "$a" = "--solutions" ]; then sides=(reference); else jmh_args+=("$a"); fi
done
# shellcheck disable=SC2206 # the default is a list of words
[ ${#jmh_args[@]} -gt 0 ] || jmh_args=($DEFAULT_JMH)

find_jdk
find_maven
# Baselines that are programs rather than libraries: the benchmark runs them beside the learner's code.
case "$slug" in
    ex08-*) ensure_tool pigz pigz; ensure_tool gzip gzip ;;
esac
ensure_exercise_tools "$slug"

out="$ROOT/target/bench"
mkdir -p "$out"
report=()
for side in "${sides[@]}"; do
    if [ "$side" = learner ]; then module="exercises/$slug"; else module="solutions/$slug"; fi
    echo "Building $module..."
    cp_file="$out/$slug-$side.classpath"
    if ! run_maven "$out/$slug-$side-build.log" -pl "common/test-support,$module" test-compile \
        dependency:build-classpath -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test; then
        echo "  $module did not build; see ${out#"$ROOT"/}/$slug-$side-build.log" >&2
        continue
    fi
    echo "Benchmarking $side ($module): JMH ${jmh_args[*]}"
    json="$out/$slug-$side.json"
    log="$out/$slug-$side.log"
    rm -f "$json"
    "$JAVA_HOME/bin/java" -cp "$ROOT/$module/target/test-classes:$ROOT/$module/target/classes:$(cat "$cp_file")" \
        org.openjdk.jmh.Main -rf json -rff "$json" "${jmh_args[@]}" 2>&1 | tee "$log" | grep -E "^# Benchmark:|^Iteration|^Result|<failure>|UnsupportedOperationException" || true
    report+=("$side" "$json" "$log")
done
[ ${#report[@]} -gt 0 ] || die 1 "nothing was measured"
echo
grading_cli bench "${report[@]}"
grading_cli bench-chart "$out/$slug.svg" "$slug" "${report[@]}"
