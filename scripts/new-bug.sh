#!/usr/bin/env bash
# Creates or re-creates a bug-zoo variant as a patch against the reference (DESIGN §5: BUG.md + bug.patch).
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
    cat <<USAGE
usage: scripts/new-bug.sh EXERCISE NAME            start: copy the reference to a scratch folder to edit
       scripts/new-bug.sh --finish EXERCISE NAME   write bugs/NAME/bug.patch from your edits (+ a BUG.md template)
       scripts/new-bug.sh --discard EXERCISE NAME  throw the scratch folder away

A bug is a small, realistic mistake: edit the reference copy in the scratch folder until it has the mistake
and nothing else, then --finish. If bugs/NAME/bug.patch exists (say, it no longer applies after a change to
the reference), the start carries the bug over with a 3-way merge and leaves conflict markers where it
cannot; --finish refuses while any are left.
NAME is lowercase words joined by '-', e.g. swallowed-interrupt. EXERCISE is ex05, 05 or the full slug.
USAGE
}

action=start
case "${1:-}" in
    -h | --help) usage; exit 0 ;;
    --finish) action=finish; shift ;;
    --discard) action=discard; shift ;;
    -*) echo "error: unknown option '$1'" >&2; usage >&2; exit 2 ;;
esac
[ $# -eq 2 ] || { echo "error: need EXERCISE and NAME, e.g. scripts/new-bug.sh ex04 swallowed-interrupt" >&2; exit 2; }
slug=$(resolve_exercise "$1")
name=$2
[[ "$name" =~ ^[a-z0-9]+(-[a-z0-9]+)*$ ]] || die 2 "bug name '$name' must be lowercase words joined by '-', e.g. swallowed-interrupt"

reference="$ROOT/solutions/$slug"
bug="$reference/bugs/$name"
scratch="$ROOT/target/new-bug/$slug/$name"
in_scratch() { GIT_CEILING_DIRECTORIES="$(dirname "$scratch")" git -C "$scratch" -c user.name=new-bug -c user.email=new-bug@localhost "$@"; }

case "$action" in
start)
    [ ! -e "$scratch" ] || die 2 "$scratch already exists: edit it, then run with --finish (or --discard to start over)"
    mkdir -p "$scratch"
    cp -R "$reference/src" "$scratch/src"
    in_scratch init -q
    in_scratch add -A
    in_scratch commit -q -m "reference"
    if [ -f "$bug/bug.patch" ]; then
        # The patch's "index" lines name the reference files it was made against; they are in this repository's
        # history, so a 3-way merge can carry the bug over to a changed reference.
        sed -n 's/^index \([0-9a-f]*\)\.\..*/\1/p' "$bug/bug.patch" | while read -r blob; do
            git -C "$ROOT" cat-file -p "$blob" 2>/dev/null | in_scratch hash-object -w --stdin >/dev/null || true
        done
        if in_scratch apply "$bug/bug.patch" 2>"$scratch/.git/new-bug-apply.log"; then
            echo "Applied the existing bugs/$name/bug.patch: the scratch copy has the bug as it was."
        elif in_scratch apply --3way "$bug/bug.patch" >>"$scratch/.git/new-bug-apply.log" 2>&1; then
            echo "The reference changed since bugs/$name/bug.patch was made; a 3-way merge carried the bug over."
            echo "Check the result: git -C ${scratch#"$ROOT"/} diff HEAD"
        elif grep -q "<<<<<<<" -r "$scratch/src"; then
            echo "The 3-way merge left conflicts: resolve the <<<<<<< markers in these files by hand:"
            grep -l "<<<<<<<" -r "$scratch/src" | sed "s|^$ROOT/|  |"
        else
            in_scratch apply --reject "$bug/bug.patch" >>"$scratch/.git/new-bug-apply.log" 2>&1 || true
            echo "The existing bugs/$name/bug.patch applied only in part; redo the rest by hand (see these):"
            find "$scratch/src" -name '*.rej' | sed "s|^$ROOT/|  |"
        fi
    fi
    echo "Edit the reference copy in ${scratch#"$ROOT"/}/src until it has the bug, then:"
    echo "  scripts/new-bug.sh --finish $slug $name"
    ;;
finish)
    [ -d "$scratch/.git" ] || die 2 "no scratch copy at ${scratch#"$ROOT"/}: start with scripts/new-bug.sh $slug $name"
    rejects=$( { find "$scratch/src" -name '*.rej' -o -name '*.orig'; grep -l "<<<<<<<" -r "$scratch/src" || true; } |
        sed "s|^$ROOT/|  |")
    [ -z "$rejects" ] || die 1 "first resolve the conflict markers, and delete the *.rej and *.orig files, in:
$rejects"
    in_scratch add -A
    if in_scratch diff --cached --quiet; then
        die 1 "the scratch copy is the reference unchanged: a bug is a change to it (edit ${scratch#"$ROOT"/}/src)"
    fi
    mkdir -p "$bug"
    in_scratch diff --cached --no-color >"$bug/bug.patch"
    if [ ! -f "$bug/BUG.md" ]; then
        cat >"$bug/BUG.md" <<TEMPLATE
# $name

TODO one paragraph: the mistake, why learners make it (a real library's bug or a common idiom helps), and
what the user sees in production.

caught-by: TODO the name of the test that fails, as the grading report prints it ("Nested › display name")
TEMPLATE
        echo "Wrote bugs/$name/bug.patch and a BUG.md template: fill in its paragraph and caught-by line."
    else
        echo "Wrote bugs/$name/bug.patch (BUG.md kept)."
    fi
    in_scratch diff --cached --stat | tail -n 1
    rm -rf "$scratch"
    echo "Check it is caught: scripts/verify.sh $slug"
    ;;
discard)
    rm -rf "$scratch"
    echo "Discarded ${scratch#"$ROOT"/}."
    ;;
esac
