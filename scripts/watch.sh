#!/usr/bin/env bash
# Watch mode: re-grades an exercise on every save and shows only the next failing test (see usage).
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
    cat <<USAGE
usage: scripts/watch.sh EXERCISE

Grades EXERCISE now and again every time you save a file under its src/main/java, and shows only
what to do next: the first failing test (its task, message and hint) and your score so far.
A save while a round runs starts a new round. Ctrl-C quits (nothing is left running).
EXERCISE is ex05, 05, the full slug, or the path of a copy of an exercise folder.

The first start asks Maven for the suite's classpath (offline once the dependencies are downloaded);
each round then compiles your code in a warm compiler and runs the suite without Maven, in a
fresh JVM. The score so far counts the tests before the failing one: scripts/grade.sh EXERCISE
runs them all.
USAGE
}

[ $# -ge 1 ] || { echo "error: name the exercise to watch, e.g. scripts/watch.sh ex05" >&2; exit 2; }
case "$1" in
    -h | --help) usage; exit 0 ;;
    -*) die 2 "unknown option '$1'; run scripts/watch.sh --help" ;;
esac
[ $# -eq 1 ] || die 2 "watch one exercise at a time, e.g. scripts/watch.sh ex05"

learner_exercise "$1"
find_jdk
classpath=$(suite_classpath "$EXERCISE_SLUG")
work=$(mktemp -d "${TMPDIR:-/tmp}/watch-$EXERCISE_SLUG.XXXXXX")
display=${EXERCISE_DIR#"$PWD"/}
echo "Watching $display (first round: the compiler warms up)..."
clear=()
[ ! -t 1 ] || clear=(--clear)
exec "$JAVA_HOME/bin/java" -Dstdout.encoding=UTF-8 -Dstderr.encoding=UTF-8 \
    -cp "$ROOT/common/test-support/target/classes" dev.opsworkbook.grading.Watch \
    --exercise "$EXERCISE_DIR" --slug "$EXERCISE_SLUG" --classpath-file "$classpath" --work "$work" --display "$display" "${clear[@]}"
