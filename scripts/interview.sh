#!/usr/bin/env bash
# Interview mode: an exercise as a timed interview, one task at a time (see usage).
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
    cat <<USAGE
usage: scripts/interview.sh EXERCISE [--minutes N]

Practise EXERCISE as a timed interview (default 45 minutes; N may be a fraction, e.g. 0.5).
Only task 1 is shown; each task unlocks when every test of the one before passes. Type a key and
Enter:  c  check the current task (its tests only, as grade.sh --task N)
        h  the next hint of the ladder for this task (hints stay hidden until asked; they are counted)
        t  show the task again       q  finish now
When you finish or time is up: points and time per task, the hints used, then the README's
interview follow-ups and the notes' rubric (fundamentals 30 / depth 40 / practice 30) to score
your answers. Edit the files under the exercise's src/main/java as usual; the reference stays closed.
EXERCISE is ex05, 05, the full slug, or the path of a copy of an exercise folder.
USAGE
}

[ $# -ge 1 ] || { echo "error: name the exercise, e.g. scripts/interview.sh ex05 --minutes 45" >&2; exit 2; }
minutes=45 exercise=""
while [ $# -gt 0 ]; do
    case "$1" in
        -h | --help) usage; exit 0 ;;
        --minutes) [ $# -ge 2 ] || die 2 "--minutes needs a number, e.g. --minutes 45"; minutes=$2; shift ;;
        -*) die 2 "unknown option '$1'; run scripts/interview.sh --help" ;;
        *) [ -z "$exercise" ] || die 2 "one exercise at a time, e.g. scripts/interview.sh ex05"; exercise=$1 ;;
    esac
    shift
done
[ -n "$exercise" ] || die 2 "name the exercise, e.g. scripts/interview.sh ex05 --minutes 45"
case "$minutes" in
    '' | . | *[!0-9.]* | *.*.*) die 2 "--minutes takes a number of minutes (e.g. 45 or 0.5), got '$minutes'" ;;
esac
seconds=$(awk -v m="$minutes" 'BEGIN { s = int(m * 60 + 0.5); print (s < 1 ? 1 : s) }')

learner_exercise "$exercise"
find_jdk
classpath=$(suite_classpath "$EXERCISE_SLUG")
work=$(mktemp -d "${TMPDIR:-/tmp}/interview-$EXERCISE_SLUG.XXXXXX")
echo "Preparing $EXERCISE_SLUG (the first check warms up the compiler)..."
exec "$JAVA_HOME/bin/java" -Dstdout.encoding=UTF-8 -Dstderr.encoding=UTF-8 \
    -cp "$ROOT/common/test-support/target/classes" dev.opsworkbook.grading.Interview \
    --exercise "$EXERCISE_DIR" --slug "$EXERCISE_SLUG" --classpath-file "$classpath" --work "$work" \
    --readme "$ROOT/exercises/$EXERCISE_SLUG/README.md" --rubric "$ROOT/interview-notes/README.md" \
    --seconds "$seconds" --display "$EXERCISE_SLUG"
