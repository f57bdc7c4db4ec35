#!/usr/bin/env bash
# The maintainers' full check (and the README's test command): every reference passes its suite,
# every pristine skeleton fails it for the stub reason, every bug-zoo variant is caught.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [ "${1:-}" = "-h" ] || [ "${1:-}" = "--help" ]; then
    echo "usage: scripts/verify.sh [EXERCISE...]   (EXERCISE: ex05, 05 or the full slug; none means all)"
    echo "  VERIFY_JOBS=N   bug-zoo variants run N at a time (default 2)"
    exit 0
fi
slugs=()
if [ $# -eq 0 ]; then
    while IFS= read -r s; do slugs+=("$s"); done < <(all_exercises)
else
    for a in "$@"; do slugs+=("$(resolve_exercise "$a")"); done
fi

find_jdk
find_maven

out="$ROOT/target/verify"
rm -rf "$out"
mkdir -p "$out"
passed=0 failed=0
pass() { passed=$((passed + 1)); echo "  ok    $1"; }
fail() { failed=$((failed + 1)); echo "  FAIL  $1${2:+ ($2)}"; }
started=$SECONDS
jobs=${VERIFY_JOBS:-2}
case "$jobs" in '' | *[!0-9]* | 0) die 2 "VERIFY_JOBS must be a positive number, was '$jobs'" ;; esac

# With no arguments: the whole reactor (kit, every exercise, the notes); else the named exercises.
scope=()
if [ $# -gt 0 ]; then
    modules="common/test-support"
    for s in "${slugs[@]}"; do modules="$modules,exercises/$s,solutions/$s"; done
    scope=(-pl "$modules")
fi

echo "[1/4] mvn verify: the kit's tests, every reference against its suite, every other module's tests"
if run_maven "$out/mvn-verify.log" "${scope[@]}" verify; then
    pass "mvn verify"
else
    fail "mvn verify" "see ${out#"$ROOT"/}/mvn-verify.log"
    grep -E "Tests run:|FAIL|ERROR\]" "$out/mvn-verify.log" | grep -v "Failures: 0, Errors: 0" | head -n 30 || true
fi
grep -E "^\[(INFO|WARNING|ERROR)\] Tests run: [0-9]+, Failures" "$out/mvn-verify.log" | tail -n 1 || true

echo "[2/4] skeleton and reference expose the same public API"
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

echo "[3/4] every graded test fails on the pristine skeleton, because of the stub"
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

echo "[4/4] bug zoo: each known-wrong variant must fail the suite ($jobs at a time)"
# Each variant gets its own copy of the sources and its own build directory, so several run at once; the
# shared kit was built in stage 1 and is only read here. Results are printed in order as they come in.
variants=()
for s in "${slugs[@]}"; do
    for bug in "$ROOT/solutions/$s/bugs"/*/; do
        [ -d "$bug/src/main/java" ] && variants+=("$s/$(basename "$bug")")
    done
done

run_variant() {
    local s=${1%%/*} name=${1#*/} work="$out/bugs/$1" caught=1
    mkdir -p "$work"
    cp -R "$ROOT/solutions/$s/src/main/java" "$work/src"
    cp -R "$ROOT/solutions/$s/bugs/$name/src/main/java/." "$work/src/"
    # One failing test is enough to catch a bug: stop there instead of sitting out every timeout.
    run_maven "$work/maven.log" -Pgrade -pl "common/test-support,solutions/$s" test \
        -Dsolution.main.dir="$work/src" -Dsolution.build.dir="$work/target" \
        -Dsurefire.skipAfterFailureCount=1 || true
    grading_cli check-caught "$work/target/grading/results.json" >"$work/verdict" 2>&1 || caught=0
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
        if [ "$(cat "$work/caught")" = 1 ]; then
            pass "${v%%/*}: bug '${v#*/}' caught"
        else
            fail "${v%%/*}: bug '${v#*/}' NOT caught" "see ${work#"$ROOT"/}/maven.log"
        fi
        printed=$((printed + 1))
    done
}

for v in "${variants[@]}"; do
    while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
        wait -n || true
        print_finished
    done
    run_variant "$v" &
done
wait
print_finished

echo
echo "verify took $((SECONDS - started)) s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
