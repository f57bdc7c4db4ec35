#!/usr/bin/env bash
# Grades exercises: runs each one's suite and prints the scoreboard; writes JSON and Markdown reports.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
    cat <<USAGE
usage: scripts/grade.sh [--solutions] [--task N] [--json FILE] [--markdown FILE] [--html FILE]
                       [--classroom FILE] [--min-score N] [EXERCISE...]
       scripts/grade.sh merge REPORT.json... [--json FILE] [--markdown FILE] [--html FILE] [--classroom FILE]

Grades your code in exercises/ (or, with --solutions, the reference solutions) and prints a
scoreboard: score per exercise, every failing test with its message and hint, and the total.
EXERCISE is ex05, 05 or the full slug (ex05-safe-exec); none means all.

  --solutions       grade solutions/ instead of exercises/
  --task N          run only the tests of task N (see the exercise README)
  --json FILE       combined JSON report (default: target/grading/report.json)
  --markdown FILE   Markdown summary (default: target/grading/report.md); also appended to
                    \$GITHUB_STEP_SUMMARY when that is set
  --html FILE       a self-contained HTML page: scoreboard, failing tests with message and hint,
                    durations, and the chart scripts/bench.sh drew (target/bench/EXERCISE.svg)
  --classroom FILE  the base64 result payload for GitHub Classroom's autograding-grading-reporter
                    (each test with its points; see .github/workflows/classroom.yml)
  --min-score N     exit 1 if the total score is below N points

merge combines the report.json files of separate runs (say, one CI job per exercise) into one report,
with the same outputs; it grades nothing. The reports must be of one kind (exercises/ or solutions/,
the same --task) and hold each exercise once.

Exit status: 0 grading ran (whatever the score), 1 below --min-score, 2 usage error or no JDK/Maven.
USAGE
}

# merge: no grading and no Maven (unless the kit itself needs building); the kit checks its arguments.
if [ "${1:-}" = merge ]; then
    shift
    case "${1:-}" in -h | --help) usage; exit 0 ;; esac
    find_jdk
    ensure_kit
    grading_cli merge "$@"
    exit 0
fi

mode=exercises task="" json="$ROOT/target/grading/report.json" markdown="$ROOT/target/grading/report.md" min_score=""
html="" classroom=""
args=()
while [ $# -gt 0 ]; do
    case "$1" in
        --solutions) mode=solutions ;;
        --task) [ $# -ge 2 ] || { usage >&2; exit 2; }; task=$2; shift ;;
        --json) [ $# -ge 2 ] || { usage >&2; exit 2; }; json=$2; shift ;;
        --markdown) [ $# -ge 2 ] || { usage >&2; exit 2; }; markdown=$2; shift ;;
        --min-score) [ $# -ge 2 ] || { usage >&2; exit 2; }; min_score=$2; shift ;;
        --html | --classroom)
            case "${2:-}" in "" | -*) die 2 "$1 needs a file name, e.g. $1 target/grading/report.${1#--}" ;; esac
            if [ "$1" = --html ]; then html=$2; else classroom=$2; fi
            shift ;;
        -h | --help) usage; exit 0 ;;
        -*) echo "error: unknown option '$1'" >&2; usage >&2; exit 2 ;;
        *) args+=("$1") ;;
    esac
    shift
done
case "$task" in "" | [0-9] | [0-9][0-9]) ;; *) die 2 "--task takes a task number, got '$task'" ;; esac
case "$min_score" in "" | *[!0-9]*) [ -z "$min_score" ] || die 2 "--min-score takes a number of points, got '$min_score'" ;; esac

slugs=()
if [ ${#args[@]} -eq 0 ]; then
    while IFS= read -r s; do slugs+=("$s"); done < <(all_exercises)
else
    for a in "${args[@]}"; do slugs+=("$(resolve_exercise "$a")"); done
fi
[ ${#slugs[@]} -gt 0 ] || die 2 "no exercises found under $ROOT/exercises"

find_jdk
find_maven
ensure_exercise_tools "${slugs[@]}"

modules="common/test-support"
for s in "${slugs[@]}"; do
    [ -f "$ROOT/$mode/$s/pom.xml" ] || die 2 "$mode/$s does not exist"
    modules="$modules,$mode/$s"
    rm -rf "$ROOT/$mode/$s/target/grading"
    # Static-analysis advice comes from the compiler's output and is kept until the code changes; classes built
    # some other way (mvn install, verify) have none kept, so compile them once more.
    [ -f "$ROOT/$mode/$s/target/static-analysis-advice.txt" ] || rm -rf "$ROOT/$mode/$s/target/classes"
done

log="$ROOT/target/grading/maven.log"
# The grader runs the build under its results collector (see the README's integrity section), so the kit
# must be built first; it is rebuilt only when its sources changed.
ensure_kit
# A released copy (scripts/release.sh) carries a manifest of its grading suite: an exercise whose suite differs is
# left out of the build, and the report names the modified file (status: error, 0 points).
if [ "$mode" = exercises ] && [ -f "$ROOT/grading-manifest.sha256" ]; then
    while IFS=$'\t' read -r s _; do
        modules=${modules/",$mode/$s"/}
    done < <(grading_cli check-suite --root "$ROOT" "${slugs[@]}")
fi
echo "Grading ${slugs[*]} ($mode/) with JDK $JAVA_MAJOR... (build log: ${log#"$ROOT"/})"
maven_args=(-Pgrade -fae -pl "$modules" test)
[ -z "$task" ] || maven_args+=("-Dgroups=task:$task" -Dsurefire.failIfNoSpecifiedTests=false)
report_args=(report --root "$ROOT" --mode "$mode" --maven-log "$log" --json "$json" --markdown "$markdown")
[ -z "$task" ] || report_args+=(--task "$task")
[ -z "$min_score" ] || report_args+=(--min-score "$min_score")
# The build's failures are graded by the report, not fatal here.
rc=0
# shellcheck disable=SC2016 # "$0" and "$@" belong to the inner bash
grading_cli "${report_args[@]}" "${slugs[@]}" -- \
    bash -c '. "$0" && run_maven "$@" || true' "$ROOT/scripts/lib.sh" "$log" "${maven_args[@]}" || rc=$?
# The HTML page and the Classroom payload are made from the JSON report just written (exit 1 is only --min-score).
if [ "$rc" -le 1 ] && [ -n "$html$classroom" ]; then
    render_args=(render "$json" --bench-dir "$ROOT/target/bench")
    [ -z "$html" ] || render_args+=(--html "$html")
    [ -z "$classroom" ] || render_args+=(--classroom "$classroom")
    grading_cli "${render_args[@]}"
fi
exit "$rc"
