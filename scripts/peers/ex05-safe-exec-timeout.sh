#!/usr/bin/env bash
# Real peer for ex05 (DESIGN §5): coreutils `timeout -k 1 2` and the reference (SafeExec, timeout 2 s, grace 1 s)
# stop the same tree: a script whose N children (N = 10, 100, 500) ignore SIGTERM like the script itself. Prints
# the seconds each took and how many processes of the tree were still running 1 s later; fails when the reference
# exceeds the contract's timeout + grace + 1 s or leaves anything running. Uses the reference compiled by
# verify's stage 1; no Maven here.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
find_jdk
ensure_tool timeout coreutils

s=ex05-safe-exec
target="$ROOT/solutions/$s/target"
[ -f "$target/test-classpath.txt" ] || die 2 "$target/test-classpath.txt missing: run scripts/verify.sh $s (stage 1 builds it)"
cp="$target/classes:$target/test-classes:$(cat "$target/test-classpath.txt")"
out=${PEER_OUT:-$(mktemp -d)}
mkdir -p "$out"
tree="$out/tree.sh"
cat >"$tree" <<'TREE'
#!/bin/sh
trap '' TERM
i=0
while [ "$i" -lt "$1" ]; do sleep 30 & i=$((i + 1)); done
wait
TREE
chmod +x "$tree"
marker=OPS_WORKBOOK_PEER_TREE

# running MARK: processes whose environment holds MARKER=MARK (a zombie's environment reads as empty).
running() {
    { grep -lzx "$marker=$1" /proc/[0-9]*/environ 2>/dev/null || true; } | wc -l
}
# settled MARK: the count once it is 0, or after 1 s (SIGKILL takes a moment to land).
settled() {
    local n
    for _ in $(seq 20); do
        n=$(running "$1")
        [ "$n" -eq 0 ] && break
        sleep 0.05
    done
    echo "$n"
}
now_ms() { echo $(($(date +%s%N) / 1000000)); }
secs() { awk -v ms="$1" 'BEGIN { printf "%.2f", ms / 1000 }'; }

bound_ms=4000 # timeout 2 s + grace 1 s + 1 s
failed=0
printf '%-5s %-16s %-8s %-16s %-8s\n' N "timeout -k 1 2" left "reference" left
for n in 10 100 500; do
    mark="timeout-$n-$$"
    start=$(now_ms)
    # timeout SIGKILLs its own process group, itself included: the subshell keeps bash from reporting "Killed".
    (env "$marker=$mark" timeout -k 1 2 "$tree" "$n" >/dev/null 2>&1 || true) 2>/dev/null
    peer_ms=$(($(now_ms) - start))
    peer_left=$(settled "$mark")
    [ "$peer_left" -eq 0 ] || grep -lzx "$marker=$mark" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3 | xargs -r kill -KILL 2>/dev/null || true

    mark="reference-$n-$$"
    result=$(env "$marker=$mark" "$JAVA_HOME/bin/java" -XX:TieredStopAtLevel=1 -cp "$cp" \
        dev.opsworkbook.safeexec.TreeKillMain 2000 1000 "$tree" "$n" 2>"$out/reference-$n.log" | grep '^RESULT' || true)
    ref_left=$(settled "$mark")
    ref_ms=$(echo "$result" | sed -n 's/.*elapsed_ms=\([0-9]*\).*/\1/p')
    if [ -z "$ref_ms" ]; then
        echo "reference run for N=$n printed no RESULT line; its log:" >&2
        tail -n 20 "$out/reference-$n.log" >&2
        failed=1
        continue
    fi
    printf '%-5s %-16s %-8s %-16s %-8s\n' "$n" "$(secs "$peer_ms") s" "$peer_left" "$(secs "$ref_ms") s" "$ref_left"
    if [ "$ref_ms" -ge "$bound_ms" ]; then
        echo "FAIL: the reference took $(secs "$ref_ms") s for N=$n, the contract allows $(secs "$bound_ms") s" >&2
        failed=1
    fi
    if [ "$ref_left" -ne 0 ]; then
        echo "FAIL: $ref_left processes of the reference's tree (N=$n) still running 1 s after run() returned" >&2
        grep -lzx "$marker=$mark" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3 | xargs -r kill -KILL 2>/dev/null || true
        failed=1
    fi
done
echo "reference = SafeExec.run (its own duration()); timeout -k = wall time of the command; left = still running 1 s later"
exit "$failed"
