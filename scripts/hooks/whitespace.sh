#!/usr/bin/env bash
# pre-commit hook: `whitespace.sh trailing FILE...` rejects trailing blanks;
# `whitespace.sh eof FILE...` requires exactly one newline at the end of a non-empty file.
set -euo pipefail
check=$1
shift
bad=0
for f in "$@"; do
    [ -s "$f" ] || continue
    case "$check" in
        trailing)
            if grep -nE '[[:blank:]]+$' "$f" >/dev/null; then
                grep -nE '[[:blank:]]+$' "$f" | sed "s|^|$f:|" | head -n 5
                bad=1
            fi
            ;;
        eof)
            if [ -n "$(tail -c 1 "$f")" ]; then
                echo "$f: no newline at end of file"
                bad=1
            elif [ -z "$(tail -c 2 "$f" | tr -d '\n')" ] && [ "$(wc -c <"$f")" -gt 1 ]; then
                echo "$f: blank lines at end of file"
                bad=1
            fi
            ;;
        *)
            echo "usage: whitespace.sh trailing|eof FILE..." >&2
            exit 2
            ;;
    esac
done
exit "$bad"
