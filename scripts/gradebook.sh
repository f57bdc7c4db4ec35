#!/usr/bin/env bash
# Grades a class: every submission folder (a released copy, or a per-exercise repository) in isolation, N at a
# time, with a time limit each, and writes gradebook.csv and gradebook.html (student x exercise points, total).
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
    cat <<USAGE
usage: scripts/gradebook.sh SUBMISSIONS_DIR [--jobs N] [--timeout SECONDS] [--out DIR] [--manifest FILE]

Grades every folder in SUBMISSIONS_DIR (one per student, named after them; each a copy made by
scripts/release.sh, with or without --per-exercise, and the student's code in it) and writes
OUT/gradebook.csv and OUT/gradebook.html: one row per student, a column per exercise, the total.

Each submission is copied to OUT/work/STUDENT (build output it came with is dropped) and graded there by
its own scripts/grade.sh, in a process tree killed whole at the time limit: a crash, a hang or a
System.exit shows in that student's row only (cells 'crashed', 'timeout'). Before it runs, its grading
suite is checked against the manifest: an exercise whose suite differs is not run and shows 'error'.
Logs: OUT/logs/STUDENT.log; reports: OUT/reports/STUDENT.{json,md}.

  --jobs N          grade N submissions at a time (default 2)
  --timeout S       time limit per submission, in seconds (default 600)
  --out DIR         where to write (default: target/gradebook)
  --manifest FILE   the grading-manifest.sha256 kept from your release (recommended: each submission's
                    own copy of it travels with the student's code, and could have been edited)

Exit status: 0 the gradebook was written, 2 usage error (the message says how to fix it).
USAGE
}

jobs=2 timeout=600 out="$ROOT/target/gradebook" manifest="" submissions=""
while [ $# -gt 0 ]; do
    case "$1" in
        -h | --help) usage; exit 0 ;;
        --jobs | --timeout | --out | --manifest)
            [ $# -ge 2 ] || die 2 "$1 needs a value (see scripts/gradebook.sh --help)"
            case "$1" in
                --jobs) jobs=$2 ;;
                --timeout) timeout=$2 ;;
                --out) out=$2 ;;
                --manifest) manifest=$2 ;;
            esac
            shift ;;
        -*) die 2 "unknown option '$1' (see scripts/gradebook.sh --help)" ;;
        *)
            [ -z "$submissions" ] || die 2 "one SUBMISSIONS_DIR only, got '$submissions' and '$1'"
            submissions=$1 ;;
    esac
    shift
done
[ -n "$submissions" ] || die 2 "name the folder of submissions, e.g. scripts/gradebook.sh ~/class/submissions --jobs 2"
[ -d "$submissions" ] || die 2 "'$submissions' is not a folder: name the folder that holds one folder per student"
case "$jobs" in '' | *[!0-9]* | 0) die 2 "--jobs takes a positive number, got '$jobs'" ;; esac
case "$timeout" in '' | *[!0-9]* | 0) die 2 "--timeout takes a positive number of seconds, got '$timeout'" ;; esac
[ -z "$manifest" ] || [ -f "$manifest" ] || die 2 "--manifest '$manifest' does not exist: give the grading-manifest.sha256 of your release"

find_jdk
find_maven
ensure_kit
args=(gradebook --kit-root "$ROOT" --out "$out" --jobs "$jobs" --timeout "$timeout")
[ -z "$manifest" ] || args+=(--manifest "$manifest")
echo "Grading the submissions in $submissions, $jobs at a time, at most $timeout s each..."
grading_cli "${args[@]}" "$submissions"
