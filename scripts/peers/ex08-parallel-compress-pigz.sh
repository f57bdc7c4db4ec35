#!/usr/bin/env bash
# Real peer for ex08 (DESIGN §5): pigz and gzip check the reference's output. A generated corpus (an empty file, one
# byte, text and random runs across buffer sizes, 24 MiB in all) goes through the reference CLI (CompressMain,
# 2 threads); then `pigz -t` and `gzip -t` must accept every .gz, `pigz -dc` must give back every input byte for
# byte, and a second run after a `pigz -p 2` of the same files must skip them all (their .gz exist). Prints the
# seconds the reference and `pigz -p 2 -6` took on the same files. Then the stretch: one 10 MB file through
# compressInBlocks, checked the same way and against pigz's size. Uses the reference compiled by verify's stage 1;
# no Maven here.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
find_jdk
ensure_tool pigz pigz
ensure_tool gzip gzip

s=ex08-parallel-compress
target="$ROOT/solutions/$s/target"
[ -f "$target/test-classpath.txt" ] || die 2 "$target/test-classpath.txt missing: run scripts/verify.sh $s (stage 1 builds it)"
cp="$target/classes:$(cat "$target/test-classpath.txt")"
out=${PEER_OUT:-$(mktemp -d)}
mkdir -p "$out"
work=$(mktemp -d "${TMPDIR:-/tmp}/ex08-peer.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/ref" "$work/pigz"

# The corpus: sizes around the reference's 64 KiB buffer and beyond, text (compressible) and random bytes.
: >"$work/ref/empty.log"
printf x >"$work/ref/one.log"
i=0
for size in 65535 65536 65537 1048576 3145728 5000000; do
    i=$((i + 1))
    { yes "2026-12-01T03:10:0$i host-$i GET /api/v1/orders/$i 200 ${i}ms user=alice" || true; } | head -c "$size" >"$work/ref/text-$i.log"
    head -c "$size" /dev/urandom >"$work/ref/random-$i.bin"
done
cp "$work"/ref/* "$work/pigz/"
total=$(cat "$work"/ref/* | wc -c)

now_ms() { echo $(($(date +%s%N) / 1000000)); }
secs() { awk -v ms="$1" 'BEGIN { printf "%.2f", ms / 1000 }'; }

start=$(now_ms)
set +e
"$JAVA_HOME/bin/java" -XX:TieredStopAtLevel=1 -cp "$cp" dev.opsworkbook.compress.CompressMain --threads 2 \
    "$work"/ref/*.log "$work"/ref/*.bin >"$out/reference.out" 2>"$out/reference.err"
code=$?
set -e
ref_ms=$(($(now_ms) - start))
start=$(now_ms)
pigz -p 2 -6 -k "$work"/pigz/*
pigz_ms=$(($(now_ms) - start))

failed=0
if [ "$code" -ne 0 ]; then
    echo "FAIL: the reference exited with $code; its output:" >&2
    tail -n 20 "$out/reference.out" "$out/reference.err" >&2
    failed=1
fi
count=0
for f in "$work"/ref/*.log "$work"/ref/*.bin; do
    gz="$f.gz"
    if [ ! -f "$gz" ]; then
        echo "FAIL: no $(basename "$gz")" >&2
        failed=1
        continue
    fi
    count=$((count + 1))
    pigz -t "$gz" 2>>"$out/pigz-t.log" || { echo "FAIL: pigz -t rejects $(basename "$gz")" >&2; failed=1; }
    gzip -t "$gz" 2>>"$out/gzip-t.log" || { echo "FAIL: gzip -t rejects $(basename "$gz")" >&2; failed=1; }
    pigz -dc "$gz" | cmp -s - "$f" || { echo "FAIL: pigz -dc $(basename "$gz") differs from the input" >&2; failed=1; }
done
if ls "$work"/ref/*.tmp >/dev/null 2>&1; then
    echo "FAIL: temp files left: $(ls "$work"/ref/*.tmp)" >&2
    failed=1
fi
ref_size=$(cat "$work"/ref/*.gz | wc -c)
pigz_size=$(cat "$work"/pigz/*.gz | wc -c)

# pigz's outputs exist now: a reference run over pigz's folder must skip every file and change none.
before=$(md5sum "$work"/pigz/*.gz | md5sum)
"$JAVA_HOME/bin/java" -XX:TieredStopAtLevel=1 -cp "$cp" dev.opsworkbook.compress.CompressMain \
    "$work"/pigz/*.log "$work"/pigz/*.bin >"$out/skip.out" 2>"$out/skip.err" || { echo "FAIL: the skip run exited non-zero" >&2; failed=1; }
skipped=$(grep -c '^skipped ' "$out/skip.out" || true)
[ "$skipped" -eq "$count" ] || { echo "FAIL: $skipped of $count files skipped where pigz's .gz exist" >&2; failed=1; }
[ "$(md5sum "$work"/pigz/*.gz | md5sum)" = "$before" ] || { echo "FAIL: the skip run changed pigz's outputs" >&2; failed=1; }

# The stretch: compressInBlocks (pigz-style blocks inside one file, through MemoryMain's `blocks` mode) on one
# 10 MB file of text and random runs: pigz -t and gzip -t accept it, pigz -dc gives the input back, and its size is
# within 1% of pigz's own output of the same file (both use 128 KiB blocks primed with 32 KiB dictionaries).
mkdir -p "$work/blocks"
{ for i in 1 2 3; do
    { yes "2026-12-01T03:10:0$i host-$i GET /api/v1/orders/$i 200 ${i}ms user=alice" || true; } | head -c 3000000
    head -c 333333 /dev/urandom
done; } >"$work/blocks/big.log"
if "$JAVA_HOME/bin/java" -XX:TieredStopAtLevel=1 -cp "$target/test-classes:$cp" dev.opsworkbook.compress.MemoryMain \
    "$work/blocks" 2 65536 6 blocks >"$out/blocks.out" 2>"$out/blocks.err" && grep -q "RESULT ok=1 failed=0" "$out/blocks.out"; then
    gz="$work/blocks/big.log.gz"
    pigz -t "$gz" 2>>"$out/pigz-t.log" || { echo "FAIL: pigz -t rejects the block-mode big.log.gz" >&2; failed=1; }
    gzip -t "$gz" 2>>"$out/gzip-t.log" || { echo "FAIL: gzip -t rejects the block-mode big.log.gz" >&2; failed=1; }
    pigz -dc "$gz" | cmp -s - "$work/blocks/big.log" || { echo "FAIL: pigz -dc of the block-mode output differs" >&2; failed=1; }
    blocks_size=$(wc -c <"$gz")
    pigz_blocks=$(pigz -p 2 -6 -c "$work/blocks/big.log" | wc -c)
    if [ "$blocks_size" -gt $((pigz_blocks + pigz_blocks / 100)) ]; then
        echo "FAIL: the block-mode output is $blocks_size bytes, more than 1% over pigz's $pigz_blocks" >&2
        failed=1
    fi
else
    echo "FAIL: compressInBlocks did not compress big.log:" >&2
    tail -n 20 "$out/blocks.out" "$out/blocks.err" >&2
    failed=1
    blocks_size=- pigz_blocks=-
fi

printf '%-24s %-10s %-14s\n' "" seconds "output bytes"
printf '%-24s %-10s %-14s\n' "reference (2 threads)" "$(secs "$ref_ms")" "$ref_size"
printf '%-24s %-10s %-14s\n' "pigz -p 2 -6" "$(secs "$pigz_ms")" "$pigz_size"
printf 'one 10 MB file in blocks: compressInBlocks %s bytes, pigz -p 2 -6 %s bytes\n' "$blocks_size" "$pigz_blocks"
echo "$count files, $total input bytes: pigz -t, gzip -t and pigz -dc | cmp on each; the reference's time includes JVM start"
exit "$failed"
