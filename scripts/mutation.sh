#!/usr/bin/env bash
# Mutation testing (PIT) of one reference solution against its grading suite: a maintainers' command, too
# slow for every CI run. Prints the score and every surviving mutant not yet triaged as equivalent.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
    cat <<USAGE
usage: scripts/mutation.sh EXERCISE [PIT options as -Dname=value...]
       scripts/mutation.sh --report EXERCISE   score the last run again (after editing the triage file)

Mutates solutions/EXERCISE (PIT's default mutators) and runs the exercise's suite against each mutant.
Reports: solutions/EXERCISE/target/pit-reports/{index.html,mutations.xml}.
Triage: a surviving mutant that cannot change behaviour goes in solutions/EXERCISE/mutation-equivalents.txt,
one per line: 'Class.method:LINE MUTATOR -- why it is equivalent' (lines starting with # are comments);
the score counts only the others. Not mutated: the given types (src/given, the same for every learner) and
the classes a suite runs only in a child JVM (PIT cannot see them), listed in the solution's POM (property
excludedClasses).
Takes 1-15 minutes per exercise on 2 cores.
USAGE
}

[ $# -ge 1 ] || { usage >&2; exit 2; }
report_only=0
case "$1" in
    -h | --help) usage; exit 0 ;;
    --report) report_only=1; shift; [ $# -eq 1 ] || { usage >&2; exit 2; } ;;
esac
slug=$(resolve_exercise "$1")
shift

find_jdk
find_maven

module="solutions/$slug"
package=$(cd "$ROOT/$module/src/main/java" && find . -name '*.java' -printf '%h\n' | sort -u | head -n 1 | sed 's|^\./||; s|/|.|g')
[ -n "$package" ] || die 2 "no Java sources under $module/src/main/java"
log="$ROOT/target/mutation/$slug.log"
seconds=0
# Not mutated: the given types (the same code for every learner: the suite does not grade them) and the classes
# the solution's POM lists in excludedClasses (run only in a child JVM, where PIT cannot see them).
excluded_by_pom=$(sed -n 's|.*<excludedClasses>\(.*\)</excludedClasses>.*|\1|p' "$ROOT/$module/pom.xml")
excluded=$excluded_by_pom
given="$ROOT/exercises/$slug/src/given/java"
given_classes=""
if [ -d "$given" ]; then
    given_classes=$(cd "$given" && find . -name '*.java' | sed 's|^\./||; s|\.java$||; s|/|.|g')
    for class in $given_classes; do
        excluded="${excluded:+$excluded,}$class,$class\$*"
    done
fi
# PIT kills a mutant's test JVM when it times out, so the suite's clean-up never runs: process trees the suites
# marked with this variable (ex05) would outlive it and load the machine. Kill those older than $1 seconds (no test
# tree lives 30 s, so a threshold spares the trees of a suite running beside this one).
TREE_MARKER=OPS_WORKBOOK_TEST_TREE
kill_stray_test_trees() {
    local environ pid age
    for environ in /proc/[0-9]*/environ; do
        pid=${environ#/proc/}
        pid=${pid%/environ}
        { tr '\0' '\n' <"$environ"; } 2>/dev/null | grep -q "^$TREE_MARKER=" || continue
        age=$(ps -o etimes= -p "$pid" 2>/dev/null | tr -d ' ')
        if [ -n "$age" ] && [ "$age" -ge "$1" ]; then
            kill -KILL "$pid" 2>/dev/null || true
        fi
    done
}

if [ "$report_only" = 0 ]; then
    echo "Mutating $package.* in $module (log: $log)..."
    (while sleep 30; do kill_stray_test_trees 120; done) &
    sweeper=$!
    trap 'kill "$sweeper" 2>/dev/null; kill_stray_test_trees 30' EXIT
    start=$(date +%s)
    # PIT runs a module's tests against its installed dependencies: put the current kit in the local repository,
    # with the parent POM (-am): a kit whose POM names a version the installed parent lacks is "invalid", and Maven
    # then drops its transitive dependencies (AssertJ, Awaitility...) from the suite's classpath.
    run_maven "$log.kit" install -pl common/test-support -am -Dkit.tests.skip=true ||
        die 1 "building the grading kit failed; see $log.kit"
    run_maven "$log" test-compile org.pitest:pitest-maven:mutationCoverage -pl "$module" \
        -DtargetClasses="$package.*" -DtargetTests="$package.*" ${excluded:+"-DexcludedClasses=$excluded"} "$@" ||
        die 1 "PIT failed; see $log"
    seconds=$(($(date +%s) - start))
fi

xml="$ROOT/$module/target/pit-reports/mutations.xml"
[ -f "$xml" ] || die 1 "no $xml; see $log"
equivalents="$ROOT/$module/mutation-equivalents.txt"

# One <mutation> per line: status, class, method, line, mutator.
mutants=$(sed -n "s|.*status='\([A-Z_]*\)'.*<mutatedClass>\([^<]*\)</mutatedClass><mutatedMethod>\([^<]*\)</mutatedMethod>.*<lineNumber>\([0-9]*\)</lineNumber><mutator>\([^<]*\)</mutator>.*|\1 \2.\3:\4 \5|p" "$xml" |
    sed 's| [^ ]*\.\([A-Za-z_]*Mutator\)$| \1|; s|org\.pitest\.mutationtest\.engine\.gregor\.mutators\.||')
for class in $given_classes ${excluded_by_pom//,/ }; do
    mutants=$(awk -v class="$class" '{ c = $2; sub(/\.[^.]*$/, "", c); sub(/\$.*/, "", c) } c != class' <<<"$mutants")
done
total=$(grep -c . <<<"$mutants" || true)
survivors=$(grep -E '^(SURVIVED|NO_COVERAGE) ' <<<"$mutants" | sed 's|^[A-Z_]* ||; s|^[a-z.]*\.\([A-Z]\)|\1|' | sort -u || true)
equivalent=0
untriaged=()
while IFS= read -r survivor; do
    [ -n "$survivor" ] || continue
    # Not grep -q: it exits at the first match, and with pipefail the SIGPIPE of the grep before it made a listed
    # survivor count as untriaged now and then.
    if [ -f "$equivalents" ] && grep -v '^#' "$equivalents" | grep -F -- "$survivor --" >/dev/null; then
        equivalent=$((equivalent + 1))
    else
        untriaged+=("$survivor")
    fi
done <<<"$survivors"
detected=$(grep -cE '^(KILLED|TIMED_OUT|MEMORY_ERROR|RUN_ERROR) ' <<<"$mutants" || true)
counted=$((total - equivalent))
score=0
[ "$counted" -gt 0 ] && score=$((100 * detected / counted))

echo
echo "$slug: $total mutants, $detected detected (killed or timed out), $equivalent triaged equivalent, ${#untriaged[@]} to triage"
echo "mutation score: $score% of $counted non-equivalent mutants (target >= 90%), ${seconds} s"
if [ ${#untriaged[@]} -gt 0 ]; then
    echo "surviving mutants (add a test, or list them in ${equivalents#"$ROOT/"} with why):"
    printf '  %s\n' "${untriaged[@]}"
fi
echo "report: ${xml%/mutations.xml}/index.html"
