#!/usr/bin/env bash
# The maintainers' full check (and the README's test command): every reference passes its suite,
# every pristine skeleton fails it for the stub reason, every bug-zoo variant is caught.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
    cat <<USAGE
usage: scripts/verify.sh [--zoo] [EXERCISE...]   (EXERCISE: ex05, 05 or the full slug; none means all)
  --zoo               only the bug zoo (stage 4): builds the references and their suites without running them
  VERIFY_JOBS=N       bug-zoo variants run N at a time (default 3: most of a variant's time is a failing
                      test waiting for what never happens, not CPU)
  VERIFY_BUG_RUNS=N   run each bug-zoo variant N times; caught only if caught every time (default 1)
USAGE
}

zoo_only=0
args=()
for a in "$@"; do
    case "$a" in
        -h | --help) usage; exit 0 ;;
        --zoo) zoo_only=1 ;;
        -*) echo "error: unknown option '$a'" >&2; usage >&2; exit 2 ;;
        *) args+=("$a") ;;
    esac
done
slugs=()
if [ ${#args[@]} -eq 0 ]; then
    while IFS= read -r s; do slugs+=("$s"); done < <(all_exercises)
else
    for a in "${args[@]}"; do slugs+=("$(resolve_exercise "$a")"); done
fi

find_jdk
find_maven
ensure_exercise_tools "${slugs[@]}"

out="$ROOT/target/verify"
rm -rf "$out"
mkdir -p "$out"
passed=0 failed=0
pass() { passed=$((passed + 1)); echo "  ok    $1"; }
fail() { failed=$((failed + 1)); echo "  FAIL  $1${2:+ ($2)}"; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }
stage_started=""
# stage [HEADER]: ends the stage before (says how long it took) and starts the next one.
stage() {
    [ -z "$stage_started" ] || echo "  (stage took $((SECONDS - stage_started)) s)"
    stage_started=$SECONDS
    [ $# -eq 0 ] || echo "$1"
}
started=$SECONDS
jobs=${VERIFY_JOBS:-3}
case "$jobs" in '' | *[!0-9]* | 0) die 2 "VERIFY_JOBS must be a positive number, was '$jobs'" ;; esac
bug_runs=${VERIFY_BUG_RUNS:-1}
case "$bug_runs" in '' | *[!0-9]* | 0) die 2 "VERIFY_BUG_RUNS must be a positive number, was '$bug_runs'" ;; esac
# Stage 4 runs each suite without Maven, on the test classpath Maven resolved in stage 1.
write_classpath=(dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test)

if [ "$zoo_only" = 1 ]; then
    modules="common/test-support"
    for s in "${slugs[@]}"; do modules="$modules,solutions/$s"; done
    stage "[1/2] build the references and their suites (not run: --zoo)"
    if run_maven "$out/mvn-build.log" -pl "$modules" test-compile "${write_classpath[@]}"; then
        pass "references and suites built"
    else
        fail "references and suites built" "see ${out#"$ROOT"/}/mvn-build.log"
    fi
    zoo_stage="[2/2]"
else
    # With no arguments: the whole reactor (kit, every exercise, the notes); else the named exercises.
    scope=()
    if [ ${#args[@]} -gt 0 ]; then
        modules="common/test-support"
        for s in "${slugs[@]}"; do modules="$modules,exercises/$s,solutions/$s"; done
        scope=(-pl "$modules")
    fi

    stage "[1/5] mvn verify: the kit's tests, every reference against its suite, every other module's tests"
    if run_maven "$out/mvn-verify.log" "${scope[@]}" verify "${write_classpath[@]}"; then
        pass "mvn verify"
    else
        fail "mvn verify" "see ${out#"$ROOT"/}/mvn-verify.log"
        grep -E "Tests run:|FAIL|ERROR\]" "$out/mvn-verify.log" | grep -v "Failures: 0, Errors: 0" | head -n 30 || true
    fi
    grep -E "^\[(INFO|WARNING|ERROR)\] Tests run: [0-9]+, Failures" "$out/mvn-verify.log" | tail -n 1 || true

    stage "[2/5] skeleton and reference expose the same public API; static analysis catches a planted finding"
    for s in "${slugs[@]}"; do
        classes=$(cd "$ROOT/exercises/$s/target/classes" 2>/dev/null && find . -name '*.class' | sed 's|^\./||; s|\.class$||; s|/|.|g' | sort) || true
        if [ -z "$classes" ]; then
            fail "$s: public API" "skeleton classes missing"
            continue
        fi
        # shellcheck disable=SC2086 # one class name per word
        if diff <("$JAVA_HOME/bin/javap" -public -cp "$ROOT/exercises/$s/target/classes" $classes 2>&1) \
            <("$JAVA_HOME/bin/javap" -public -cp "$ROOT/solutions/$s/target/classes" $classes 2>&1) >"$out/$s-api.diff"; then
            pass "$s: public API matches"
        else
            fail "$s: public API differs" "see ${out#"$ROOT"/}/$s-api.diff"
        fi
    done

    # Static analysis (Error Prone + NullAway) ran in stage 1 on the kit, the references and the notes. The probe
    # is the ex05 reference plus one ignored Future: it must fail to compile, and name the checker.
    if run_maven "$out/static-analysis-probe.log" -f "$ROOT/config/static-analysis-probe/pom.xml" compile; then
        fail "static analysis: a planted ignored Future compiled" "see ${out#"$ROOT"/}/static-analysis-probe.log"
    elif grep -q "PlantedFinding.java.*\[FutureReturnValueIgnored\]" "$out/static-analysis-probe.log"; then
        pass "static analysis: a planted ignored Future in a reference fails the build (FutureReturnValueIgnored)"
    else
        fail "static analysis: the probe failed, but not on its planted finding" \
            "see ${out#"$ROOT"/}/static-analysis-probe.log"
    fi
    # The same code as a learner's: it compiles, and the finding is a warning in the form grade.sh turns into advice.
    if ! run_maven "$out/static-analysis-advice.log" -f "$ROOT/config/static-analysis-probe/pom.xml" -Plearner compile; then
        fail "static analysis: a finding failed a learner's build" "see ${out#"$ROOT"/}/static-analysis-advice.log"
    elif grep -qE "^\[WARNING\] /.*/PlantedFinding.java:\[[0-9]+,[0-9]+\] \[FutureReturnValueIgnored\] " \
        "$out/static-analysis-advice.log"; then
        pass "static analysis: the same finding in a learner's code compiles and is shown as advice"
    else
        fail "static analysis: the learner's build did not report the planted finding" \
            "see ${out#"$ROOT"/}/static-analysis-advice.log"
    fi

    stage "[3/5] every graded test fails on the pristine skeleton, because of the stub"
    skeletons="common/test-support"
    for s in "${slugs[@]}"; do
        skeletons="$skeletons,exercises/$s"
        rm -rf "$ROOT/exercises/$s/target/grading"
    done
    run_maven "$out/skeletons.log" -Pgrade -fae -pl "$skeletons" test || true
    for s in "${slugs[@]}"; do
        if grading_cli check-skeleton "$ROOT/exercises/$s/target/grading/results.json"; then
            pass "$s: skeleton fails for the stub reason"
        else
            fail "$s: skeleton" "see above and ${out#"$ROOT"/}/skeletons.log"
        fi
    done

    stage "[4/5] real tools check the references (scripts/peers/EXERCISE-TOOL.sh)"
    # Each peer builds nothing: it runs the reference compiled in stage 1 beside the real tool it imitates
    # (logrotate and tail -F, promtool, timeout) and exits non-zero when the reference does worse.
    for s in "${slugs[@]}"; do
        for peer in "$ROOT/scripts/peers/$s"-*.sh; do
            [ -f "$peer" ] || continue
            name=$(basename "$peer" .sh)
            peer_started=$SECONDS
            if PEER_OUT="$out/peers/$name" bash "$peer" >"$out/$name.log" 2>&1; then
                pass "$name ($((SECONDS - peer_started)) s)"
            else
                fail "$name" "see ${out#"$ROOT"/}/$name.log"
            fi
            sed 's/^/        /' "$out/$name.log" | tail -n 12
        done
    done
    zoo_stage="[5/5]"
fi

stage "$zoo_stage bug zoo: each known-wrong variant must fail the suite, each fair variant pass it ($jobs at a time, $bug_runs run(s) each)"
# Each variant is the reference with its bug.patch applied, compiled by one warm compiler per exercise and run
# by the kit's SuiteRunner (same JUnit configuration and listener as Surefire) in a JVM of its own: no Maven
# start per variant. BUG.md's caught-by test runs first; only if it passes does the whole suite run, stopping
# at its first failure. The suite's classes and classpath are the reference's, built in stage 1.
# Fair variants (solutions/EXERCISE/fair/NAME/variant.patch) run here too, the other way round: a correct
# solution that makes other valid choices (its own message wording, logging through SLF4J) must pass every test.
variants=()
for s in "${slugs[@]}"; do
    for bug in "$ROOT/solutions/$s/bugs"/*/; do
        [ -d "$bug" ] && variants+=("$s/$(basename "$bug")")
    done
    for fair in "$ROOT/solutions/$s/fair"/*/; do
        [ -d "$fair" ] && variants+=("$s/fair.$(basename "$fair")")
    done
done

# variant_source EXERCISE/NAME: the folder that holds the variant's patch and its description.
variant_source() {
    local s=${1%%/*} name=${1#*/}
    case "$name" in
        fair.*) echo "$ROOT/solutions/$s/fair/${name#fair.}" ;;
        *) echo "$ROOT/solutions/$s/bugs/$name" ;;
    esac
}
is_fair() { case "${1#*/}" in fair.*) return 0 ;; *) return 1 ;; esac; }

# not_runnable EXERCISE/BUG WHY...: the variant is reported as not caught, with the reason.
not_runnable() {
    local work="$out/bugs/$1"
    shift
    printf '%s\n' "$@" >"$work/verdict"
    echo 0 >"$work/caught"
}

# prepare_variant EXERCISE/BUG: copies the reference and applies the patch; false (and a verdict) if it can't.
prepare_variant() {
    local s=${1%%/*} name=${1#*/} work="$out/bugs/$1" bug patch
    bug=$(variant_source "$1")
    patch="$bug/bug.patch"
    mkdir -p "$work"
    if is_fair "$1"; then
        patch="$bug/variant.patch"
        if [ ! -f "$patch" ] || [ ! -f "$bug/FAIR.md" ]; then
            not_runnable "$1" "  fair/${name#fair.} must hold variant.patch and FAIR.md"
            return 1
        fi
    elif [ ! -f "$patch" ] || [ ! -f "$bug/BUG.md" ]; then
        not_runnable "$1" "  bugs/$name must hold bug.patch and BUG.md (create them with: scripts/new-bug.sh $s $name)"
        return 1
    fi
    cp -R "$ROOT/solutions/$s/src" "$work/src"
    # The given API types are compiled with it, as in the Maven build (src/given, shared with the skeleton).
    [ ! -d "$ROOT/exercises/$s/src/given" ] || cp -R "$ROOT/exercises/$s/src/given" "$work/src/given"
    # GIT_CEILING_DIRECTORIES: apply to this folder, not relative to the repository that contains it.
    if ! GIT_CEILING_DIRECTORIES="$(dirname "$work")" git -C "$work" apply "$patch" 2>"$work/apply.log"; then
        not_runnable "$1" "  bug.patch no longer applies to the reference (a change to the reference touched this bug):" \
            "$(sed 's/^/    /' "$work/apply.log")" \
            "  re-create it: scripts/new-bug.sh $s $name (starts from the old patch), then scripts/new-bug.sh --finish $s $name"
        return 1
    fi
}

# suite_run EXERCISE/BUG RUN_DIR NAME ARGS...: one SuiteRunner JVM; its verdict in RUN_DIR/NAME.verdict.
# Returns 3 if --only names no test. A variant that ends the JVM before the verdict is written is judged
# from the results file, as the listener left it.
suite_run() {
    local variant=$1 s=${1%%/*} dir=$2 name=$3 rc=0 suite="$ROOT/solutions/${1%%/*}/target/test-classes" archive=()
    shift 3
    [ ! -f "$cds/$s/option" ] || archive=("$(cat "$cds/$s/option")")
    # C1 only: a variant's run is short, and C2's compile threads cost more CPU than they save (measured: a
    # 1.7 s run used 3.0 s of CPU with C2, 1.7 s without). verify's non-bug check holds with it (README).
    # The variant's classes come last, after the archived class path (see zoo_archive): no class of the
    # variant is on the rest of it, so the order changes nothing else.
    (cd "$dir" && "$JAVA_HOME/bin/java" -XX:TieredStopAtLevel=1 "${archive[@]}" \
        -cp "$(cat "$cds/$s/classpath"):$out/bugs/$variant/classes" \
        dev.opsworkbook.grading.SuiteRunner --classes "$suite" --slug "$s" --results "$dir/$name.json" \
        --verdict "$dir/$name.verdict" "$@") >"$dir/$name.log" 2>&1 || rc=$?
    [ "$rc" -ne 3 ] || return 3
    if [ ! -f "$dir/$name.verdict" ]; then
        { echo "  (the JVM ended before its verdict: exit code $rc)"
          grading_cli check-caught "$dir/$name.json" && echo "verdict: caught" || echo "verdict: not caught"
        } >"$dir/$name.verdict" 2>&1
    fi
}

# run_variant EXERCISE/BUG: runs the compiled variant $bug_runs times; caught only if caught every time.
run_variant() {
    local s=${1%%/*} work="$out/bugs/$1" caught=1 run dir expected started_ms
    started_ms=$(now_ms)
    if is_fair "$1"; then
        # The whole suite, every test: "caught" here means what it should, that every graded test passed.
        dir="$work/run1"
        mkdir -p "$dir"
        suite_run "$1" "$dir" suite || true
        if grep -q "every graded test passed on this variant" "$dir/suite.verdict"; then
            echo "  every graded test passed" >"$work/verdict"
        else
            grep -v '^verdict:' "$dir/suite.verdict" | sed 's/caught by:/lost points in:/' >"$work/verdict"
            caught=0
        fi
        echo "$(($(now_ms) - started_ms))" >"$work/ms"
        echo "$caught" >"$work/caught"
        return 0
    fi
    expected=$(sed -n 's/^caught-by: *//p' "$(variant_source "$1")/BUG.md" | head -n 1)
    for run in $(seq 1 "$bug_runs"); do
        dir="$work/run$run"
        mkdir -p "$dir"
        if [ -z "$expected" ]; then
            # A new bug, not triaged yet: the whole suite runs, every failing test is listed, and the variant
            # counts as not caught until BUG.md names the test that must catch it.
            suite_run "$1" "$dir" suite || true
            grep -v '^verdict:' "$dir/suite.verdict" >>"$work/verdict"
            echo "  BUG.md has no 'caught-by: <test name as the report prints it>' line: name the test above that must catch it" >>"$work/verdict"
            caught=0
            continue
        fi
        if ! suite_run "$1" "$dir" first --only "$expected"; then
            echo "  BUG.md's caught-by line names no test of the suite: '$expected'" >>"$work/verdict"
            caught=0
            break
        fi
        if grep -q '^verdict: caught' "$dir/first.verdict"; then
            grep -v '^verdict:' "$dir/first.verdict" >>"$work/verdict"
            continue
        fi
        suite_run "$1" "$dir" suite --fail-fast --expect "$expected" || true
        grep -v '^verdict:' "$dir/suite.verdict" >>"$work/verdict"
        grep -q '^verdict: caught' "$dir/suite.verdict" || caught=0
    done
    # Several runs say the same thing: keep each distinct line once, in order.
    awk '!seen[$0]++' "$work/verdict" >"$work/verdict.once" && mv "$work/verdict.once" "$work/verdict"
    echo "$(($(now_ms) - started_ms))" >"$work/ms"
    echo "$caught" >"$work/caught"
}

printed=0
print_finished() {
    local v work
    while [ "$printed" -lt "${#variants[@]}" ]; do
        v=${variants[$printed]}
        work="$out/bugs/$v"
        [ -f "$work/caught" ] || return 0
        echo "  $v:"
        cat "$work/verdict"
        if is_fair "$v"; then
            if [ "$(cat "$work/caught")" = 1 ]; then
                pass "${v%%/*}: fair variant '${v#*/fair.}' (a correct solution with other valid choices) scores 100"
            else
                fail "${v%%/*}: fair variant '${v#*/fair.}' loses points: a test requires more than the contract" \
                    "see ${work#"$ROOT"/}"
            fi
        elif [ "$(cat "$work/caught")" = 1 ]; then
            pass "${v%%/*}: bug '${v#*/}' caught"
        else
            fail "${v%%/*}: bug '${v#*/}' NOT caught" "see ${work#"$ROOT"/}"
        fi
        printed=$((printed + 1))
    done
}

# zoo_archive EXERCISE: the class path every variant of EXERCISE shares, in $cds/EXERCISE/classpath, and a
# class-data archive of it, trained once, which each variant's JVM maps instead of loading and linking JUnit,
# AssertJ, the libraries, the kit and the suite again (JDK 25+: an AOT cache, JEP 483/514; JDK 21-24: a dynamic
# AppCDS archive). Measured, the caught-by run of a variant, old and new in turn: 20-30 % less CPU.
# An archive takes classes from jars only, so the kit's and the suite's folders are copied into jars first.
# The training run has no main classes on its class path at all: the JVM takes an archived class over the
# variant's class of the same name, without a look at the variant's folder (tried on JDK 25: the reference's
# classes, loaded from a folder emptied before the dump, were archived all the same, and a variant then ran the
# reference's code and was not caught), so no reference class may ever be in the archive. Without an archive
# (training failed, or the JVM refuses it) the variants run the same, only slower.
zoo_archive() {
    local s=$1 dir="$cds/$1" entry i=0 cp="" entries=() record=() use strict archive
    mkdir -p "$dir/train"
    IFS=: read -ra entries <"$ROOT/solutions/$s/target/test-classpath.txt"
    for entry in "${entries[@]}" "$ROOT/solutions/$s/target/test-classes"; do
        if [ -d "$entry" ]; then
            i=$((i + 1))
            # Else no archive: the class path stays the folders themselves.
            "$JAVA_HOME/bin/jar" --create --file "$dir/cp$i.jar" -C "$entry" . 2>>"$dir/train.log" || return 0
            entry="$dir/cp$i.jar"
        fi
        cp="$cp${cp:+:}$entry"
    done
    if [ "$JAVA_MAJOR" -ge 25 ]; then
        archive="$dir/classes.aot" record=("-XX:AOTCacheOutput=$archive") use="-XX:AOTCache=$archive" strict=-XX:AOTMode=on
    else
        archive="$dir/classes.jsa" record=("-XX:ArchiveClassesAtExit=$archive") use="-XX:SharedArchiveFile=$archive"
        strict=-Xshare:on
    fi
    # The whole suite, without --fail-fast: every test fails at once without the main classes, having loaded
    # what a variant's run loads up to that point. timeout: a training run must not hold the zoo up.
    (cd "$dir/train" && timeout -k 5 120 "$JAVA_HOME/bin/java" -XX:TieredStopAtLevel=1 "${record[@]}" -cp "$cp" \
        dev.opsworkbook.grading.SuiteRunner --classes "$ROOT/solutions/$s/target/test-classes" --slug "$s" \
        --results "$dir/train/results.json") >>"$dir/train.log" 2>&1 || true
    echo "$cp" >"$dir/classpath"
    # Only an archive this JVM maps is used (the strict mode fails where the default would go on without it),
    # and only if it holds none of the reference's class names (see above; checked, as a JDK could change).
    [ -f "$archive" ] && "$JAVA_HOME/bin/java" "$strict" "$use" -XX:+PrintSharedArchiveAndExit -cp "$cp" \
        >"$dir/archived.txt" 2>>"$dir/train.log" || return 0
    if (cd "$ROOT/solutions/$s/target/classes" && find . -name '*.class' | sed 's|^\./||; s|\.class$||; s|/|.|g') |
        grep -qxF -f - <(awk '$NF ~ /_loader$/ { print $(NF - 1) }' "$dir/archived.txt"); then
        echo "not used: the archive holds classes of the reference" >>"$dir/train.log"
        return 0
    fi
    echo "$use" >"$dir/option"
}

zoo_started=$(now_ms)
# A pipeline, so that the two cores never wait on one another's stage: a producer prepares each variant and
# hands it to one warm compiler (GradingCli compile -, which marks each variant compile.done); another trains
# each exercise's class-data archive; the runs start as soon as a variant's classes and its exercise's class
# path are ready, $jobs at a time.
cds="$out/zoo-cds"
mkdir -p "$cds"
runnable=()
for s in "${slugs[@]}"; do
    if [ -f "$ROOT/solutions/$s/target/test-classpath.txt" ]; then
        # The class path without an archive, until zoo_archive has a better one.
        mkdir -p "$cds/$s"
        echo "$ROOT/solutions/$s/target/test-classes:$(cat "$ROOT/solutions/$s/target/test-classpath.txt")" \
            >"$cds/$s/classpath"
        for v in "${variants[@]}"; do [ "${v%%/*}" != "$s" ] || runnable+=("$v"); done
    else
        for v in "${variants[@]}"; do
            [ "${v%%/*}" = "$s" ] || continue
            mkdir -p "$out/bugs/$v"
            not_runnable "$v" "  the reference or its suite did not build (stage 1)"
        done
    fi
done
(
    for v in "${runnable[@]}"; do
        if prepare_variant "$v"; then
            printf '%s\t%s\n' "$ROOT/solutions/${v%%/*}/target/test-classpath.txt" "$out/bugs/$v"
        fi
    done | grading_cli compile - >"$out/zoo-compile.log" 2>&1 || true
    touch "$out/zoo-compile.finished"
) &
producer=$!
(
    for s in "${slugs[@]}"; do
        [ -f "$ROOT/solutions/$s/target/test-classpath.txt" ] || continue
        zoo_archive "$s" || true
        touch "$cds/$s/ready"
    done
    touch "$cds/finished"
) &
trainer=$!

# wait_for FILE...: until one of them exists (polled: it is written by another process).
wait_for() {
    local f
    while :; do
        for f in "$@"; do [ ! -e "$f" ] || return 0; done
        sleep 0.05
    done
}

for v in "${runnable[@]}"; do
    work="$out/bugs/$v"
    wait_for "$cds/${v%%/*}/ready" "$cds/finished"
    # The producer writes a verdict itself when the patch does not apply; it is done with every variant once
    # zoo-compile.finished exists.
    wait_for "$work/caught" "$work/compile.done" "$out/zoo-compile.finished"
    if [ -f "$work/caught" ]; then
        continue
    elif [ ! -f "$work/compile.done" ]; then
        not_runnable "$v" "  the variant was not compiled: the compiler stopped (see ${out#"$ROOT"/}/zoo-compile.log)"
        continue
    elif [ -f "$work/javac.log" ]; then
        not_runnable "$v" "  the variant does not compile:" "$(head -n 20 "$work/javac.log" | sed 's/^/    /')"
        continue
    fi
    # Resources are part of a variant as in the Maven build (ex10's health-logback.xml, which one bug changes).
    [ ! -d "$work/src/main/resources" ] || cp -R "$work/src/main/resources/." "$work/classes/"
    # $jobs variants at a time; the producer and the trainer, while they last, are jobs too but not counted.
    while [ "$(jobs -rp | grep -cvxF -e "$producer" -e "$trainer")" -ge "$jobs" ]; do
        wait -n || true
        print_finished
    done
    run_variant "$v" &
done
wait
print_finished
if [ ${#runnable[@]} -gt 0 ]; then
    zoo_ms=$(($(now_ms) - zoo_started)) variant_ms=0
    for v in "${runnable[@]}"; do
        [ ! -f "$out/bugs/$v/ms" ] || variant_ms=$((variant_ms + $(cat "$out/bugs/$v/ms")))
    done
    awk -v n="${#variants[@]}" -v wall="$zoo_ms" -v own="$variant_ms" -v jobs="$jobs" 'BEGIN {
        printf "  bug zoo: %d variants in %.1f s, %d at a time: %.2f s of wall time per variant", n, wall / 1000, jobs, wall / 1000 / n
        printf " (each variant'\''s own runs: %.2f s on average)\n", own / 1000 / n }'
    archived=$(find "$cds" -name option | wc -l) exercises=$(find "$cds" -mindepth 1 -maxdepth 1 -type d | wc -l)
    echo "  class-data archives in use: $archived of $exercises exercises$([ "$archived" -eq "$exercises" ] ||
        echo " (the others ran slower, not differently; see ${cds#"$ROOT"/}/EXERCISE/train.log)")"
fi
stage

echo
echo "verify took $((SECONDS - started)) s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
