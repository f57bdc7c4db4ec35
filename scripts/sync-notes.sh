#!/usr/bin/env bash
# Rewrites the interview notes' code blocks from their source regions (or, with --check, only reports
# drift, missing regions and unmarked Java blocks). Usage: scripts/sync-notes.sh [--check]
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

mode=--write
case "${1:-}" in
    "") ;;
    --check) mode=--check ;;
    -h | --help)
        echo "usage: scripts/sync-notes.sh [--check]   (default: rewrite the blocks in interview-notes/*.md)"
        exit 0
        ;;
    *) die 2 "unknown option '$1'; usage: scripts/sync-notes.sh [--check]" ;;
esac

find_jdk
find_maven
# Compile the demos first: a region that does not compile must not reach the notes.
run_maven "$ROOT/target/sync-notes/mvn-compile.log" -q -pl common/test-support,interview-notes compile \
    || die 1 "the demos do not compile; see target/sync-notes/mvn-compile.log"
"$JAVA_HOME/bin/java" -cp "$ROOT/interview-notes/target/classes" \
    dev.opsworkbook.notes.sync.SnippetSync "$mode" "$ROOT/interview-notes"
