#!/usr/bin/env bash
# Writes the student copy of the workbook: exercises, kit, learners' scripts, README, notes and the grade workflow;
# no reference solutions, bug zoo, fair variants, coverage or mutation files, nor maintainers' scripts. It records a
# SHA-256 manifest of every grading-suite file, which grade.sh in the copy checks. With --per-exercise: one
# standalone repository per exercise, with a Dockerfile for a network-less grading container.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
    cat <<USAGE
usage: scripts/release.sh [--per-exercise] OUT [EXERCISE...]

Writes a student copy of the workbook to OUT (a new or empty folder): the exercises (skeletons, READMEs,
grading suites, given types), the grading kit, the learners' scripts (grade, watch, interview, bench,
hooks), the root README, the interview notes and the grade workflow. Left out: solutions/ (references,
bug zoo, fair variants, COVERAGE, mutation files), verify/mutation/new-bug/peers/release/gradebook.
EXERCISE is ex05, 05 or the full slug; none means all. The copy builds and grades offline on its own.

OUT/grading-manifest.sha256 lists the SHA-256 of every grading-suite file; grade.sh in the copy gives an
exercise whose suite differs status: error, 0 points, naming the file. Keep a copy of it to grade with
(scripts/gradebook.sh --manifest): the one in OUT travels with the students' code.

  --per-exercise   one standalone repository per exercise, OUT/SLUG/: the kit and that exercise under its
                   own root pom.xml, README, scripts, grade workflow, pre-commit config, and a Dockerfile
                   for a grading container without network

Exit status: 0 written, 2 usage error (the message says how to fix it).
USAGE
}

per_exercise=0
args=()
while [ $# -gt 0 ]; do
    case "$1" in
        -h | --help) usage; exit 0 ;;
        --per-exercise) per_exercise=1 ;;
        -*) die 2 "unknown option '$1' (see scripts/release.sh --help)" ;;
        *) args+=("$1") ;;
    esac
    shift
done
[ ${#args[@]} -ge 1 ] || die 2 "name the output folder, e.g. scripts/release.sh /tmp/ops-workbook-2027 ex01 ex04"
out=${args[0]}
if [ -e "$out" ] && [ -n "$(ls -A "$out")" ]; then
    die 2 "'$out' exists and is not empty: name a new folder, or delete it first"
fi
slugs=()
if [ ${#args[@]} -eq 1 ]; then
    while IFS= read -r s; do slugs+=("$s"); done < <(all_exercises)
else
    for a in "${args[@]:1}"; do slugs+=("$(resolve_exercise "$a")"); done
fi
case "$(cd "$(dirname "$out")" 2>/dev/null && pwd)/" in
    "$ROOT"/*) die 2 "'$out' is inside this repository: release to a folder outside it, e.g. /tmp/release" ;;
esac

find_jdk
find_maven
ensure_kit

# copy DEST PATH...: files or folders of this repository into DEST, at the same relative paths, without build output.
copy() {
    local dest=$1 rel
    shift
    for rel in "$@"; do
        [ -e "$ROOT/$rel" ] || die 2 "$rel is missing from this repository"
        tar -C "$ROOT" --exclude=target -cf - "$rel" | tar -C "$dest" -xf -
    done
}

# The root POM with only the modules released: Maven refuses a <module> whose folder is missing.
released_pom() { # released_pom DEST MODULE...
    local dest=$1
    shift
    awk -v keep="$*" '
        BEGIN { n = split(keep, k, " "); for (i = 1; i <= n; i++) wanted[k[i]] = 1 }
        /<module>/ { m = $0; sub(/.*<module>/, "", m); sub(/<\/module>.*/, "", m); if (!(m in wanted)) next }
        { print }' "$ROOT/pom.xml" >"$dest/pom.xml"
}

# release_into DEST NOTES SLUG...: one student copy (NOTES=1 adds the interview notes) with its manifest.
release_into() {
    local dest=$1 notes=$2 s
    shift 2
    local modules=(common/test-support)
    mkdir -p "$dest"
    copy "$dest" README.md .gitignore .mvn .pre-commit-config.yaml config/checkstyle.xml .github/workflows/grade.yml \
        scripts/lib.sh scripts/grade.sh scripts/watch.sh scripts/interview.sh scripts/bench.sh scripts/hooks \
        common/test-support/pom.xml common/test-support/src/main
    if [ "$notes" = 1 ]; then
        copy "$dest" interview-notes
        modules+=(interview-notes)
    fi
    for s in "$@"; do
        copy "$dest" "exercises/$s"
        modules+=("exercises/$s")
    done
    released_pom "$dest" "${modules[@]}"
    grading_cli suite-manifest --root "$dest" "$@" >/dev/null
}

if [ "$per_exercise" = 0 ]; then
    release_into "$out" 1 "${slugs[@]}"
    echo "Released ${slugs[*]} to $out ($(wc -l <"$out/grading-manifest.sha256") suite files in grading-manifest.sha256)."
    echo "Check it: (cd $out && scripts/grade.sh) gives every skeleton 0."
    exit 0
fi

for s in "${slugs[@]}"; do
    release_into "$out/$s" 0 "$s"
    short=${s%%-*}
    title=$(head -n 1 "$ROOT/exercises/$s/README.md" | sed 's/^# *//')
    cat >"$out/$s/README.md" <<README
# $title

One exercise of Ops Workbook, as a repository of its own. The task, its contract and the hints are in
[\`exercises/$s/README.md\`](exercises/$s/README.md). Write your code in
\`exercises/$s/src/main/java\`, and only there: the tests, the given types and the grading kit are the
exam (\`grading-manifest.sha256\` records them, and \`scripts/grade.sh\` refuses to grade an edited suite).

Needs a JDK 21+ and Maven 3.8.7+. The first run downloads dependencies; after that, everything runs offline.

\`\`\`bash
scripts/grade.sh $short                # score, each failing test with its message and hint
scripts/grade.sh --task 1 $short       # only task 1's tests
scripts/watch.sh $short                # grades again on every save, shows the next failing test
scripts/interview.sh $short            # timed interview mode
scripts/bench.sh $short                # JMH: your code next to the library baseline
\`\`\`

## Grading in a container without network

The \`Dockerfile\` bakes the grading suite and an offline Maven repository into an image; your code is
mounted read-only, and the container runs with no network at all:

\`\`\`bash
docker build -t $short-grader .
docker run --rm --network none \\
  -v "\$PWD/exercises/$s/src/main/java:/workbook/exercises/$s/src/main/java:ro" \\
  -v "\$PWD/grading:/workbook/grading" $short-grader
\`\`\`

The report lands in \`grading/report.json\` and \`grading/report.md\`. An instructor builds the image from
the pristine release, so the suite that grades is the one that was handed out, whatever the repository
holds now. Pre-commit hooks: \`pre-commit install\` (see \`.pre-commit-config.yaml\`).
README
    cat >"$out/$s/Dockerfile" <<DOCKERFILE
# Grades $s without network: the suite and an offline Maven repository are baked in when the image is built,
# the learner's src/main/java is mounted read-only at run time (see README.md for the run line).
FROM maven:3.9.11-eclipse-temurin-21
RUN useradd --create-home grader && install -d -o grader -g grader /workbook
WORKDIR /workbook
COPY --chown=grader:grader . .
USER grader
# The one online step: grading the skeleton once fetches every plugin and library the grading build needs into
# ~/.m2; its exercise build output is dropped so that the mounted code is compiled afresh.
RUN scripts/grade.sh $s && rm -rf exercises/$s/target target/grading
ENTRYPOINT ["scripts/grade.sh", "--json", "grading/report.json", "--markdown", "grading/report.md"]
CMD ["$s"]
DOCKERFILE
    printf 'target/\n**/target/\ngrading/\n.git/\n' >"$out/$s/.dockerignore"
done
echo "Released ${slugs[*]} to $out/, one repository each (Dockerfile not built here: build it where Docker runs)."
