#!/usr/bin/env bash
# Peer check (verify stage 4), the load test the SRE seed asks for in CI: wrk drives the ex10 reference on loopback
# (PeerTarget: real checks with 1 s timeouts, and one dependency hung — it accepts connections and never answers —
# with a 200 ms timeout; results fresh for 1 s, served up to 5 s old; logging at WARN) and this fails unless
#   * /healthz for 10 s: no socket errors and no answer but 200 (the hung dependency is not critical: degraded, 200);
#   * /healthz p99 <= the longest check timeout (1 s) + 50 ms;
#   * every check ran at most once per cache interval: health_check_duration_seconds_count (from /metrics) grew by
#     at most the run's length in seconds + 2 (the first round, and one round that straddles the end);
#   * /livez serves at least WRK_LIVEZ_MIN_RATIO (default 0.5) of the requests/s of a bare HttpServer handler that
#     answers 200 (the floor, in the same JVM). The README's target is 0.8; on 2 shared cores wrk and the JVM compete
#     for the CPU, so the gate is looser than the target and the ratio is printed.
# The wrk summaries are printed.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
find_jdk
ensure_tool wrk wrk
ensure_tool curl curl

slug=ex10-health-service
healthz_seconds=${WRK_HEALTHZ_SECONDS:-10}
livez_seconds=${WRK_LIVEZ_SECONDS:-3}
min_ratio=${WRK_LIVEZ_MIN_RATIO:-0.5}
longest_timeout_ms=1000
interval_s=1
peer_out
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

peer_start_target "$slug" dev.opsworkbook.health.PeerTarget "$out/ports"
read -r port floor_port <"$out/ports"
base="http://127.0.0.1:$port"

# check_runs: "dependency count" lines from /metrics.
check_runs() {
    curl -sS --max-time 10 "$base/metrics" |
        sed -n 's/^health_check_duration_seconds_count{dependency="\([a-z0-9_]*\)"} \([0-9.]*\)$/\1 \2/p' | sort
}
# latency_ms FILE PERCENT: wrk's latency at that percentile, in ms.
latency_ms() {
    awk -v p="$2%" '$1 == p {
        v = $2; unit = v; sub(/[0-9.]+/, "", unit); sub(/[a-z]+$/, "", v);
        f = (unit == "us") ? 0.001 : (unit == "ms") ? 1 : (unit == "s") ? 1000 : (unit == "m") ? 60000 : -1;
        printf "%.1f\n", v * f }' "$1"
}
requests_per_s() { awk '$1 == "Requests/sec:" { print $2 }' "$1"; }

# Warm up both servers (class loading, JIT) and run the first round of checks.
curl -s -o /dev/null --max-time 10 "$base/healthz" || fail "GET /healthz: no answer"
wrk -t1 -c4 -d1s "$base/livez" >/dev/null 2>&1 || true
wrk -t1 -c4 -d1s "http://127.0.0.1:$floor_port/" >/dev/null 2>&1 || true

check_runs >"$out/runs.before"
started=$(date +%s%N)
wrk -t2 -c16 -d"${healthz_seconds}s" --latency "$base/healthz" >"$out/wrk-healthz.txt" 2>&1 || fail "wrk on /healthz failed"
elapsed_ms=$((($(date +%s%N) - started) / 1000000))
check_runs >"$out/runs.after"
echo "== wrk -t2 -c16 -d${healthz_seconds}s --latency /healthz (one dependency hung, 200 ms timeout)"
sed -n '/Thread Stats/,$p' "$out/wrk-healthz.txt"

if grep -q 'Non-2xx or 3xx responses' "$out/wrk-healthz.txt"; then
    fail "/healthz under load: $(grep 'Non-2xx or 3xx responses' "$out/wrk-healthz.txt" | xargs) (all should be 200)"
fi
if grep -q 'Socket errors' "$out/wrk-healthz.txt"; then
    fail "/healthz under load: $(grep 'Socket errors' "$out/wrk-healthz.txt" | xargs)"
fi
p99=$(latency_ms "$out/wrk-healthz.txt" 99)
limit=$((longest_timeout_ms + 50))
if [ -z "$p99" ] || awk -v a="$p99" -v b="$limit" 'BEGIN { exit !(a > b) }'; then
    fail "/healthz p99 is ${p99:-unknown} ms, more than the longest check timeout + 50 ms ($limit ms)"
fi
allowed=$((elapsed_ms / 1000 / interval_s + 2))
join -a 1 "$out/runs.before" "$out/runs.after" >"$out/runs.joined" || true
[ -s "$out/runs.joined" ] || fail "no health_check_duration_seconds_count series in /metrics"
while read -r name before after; do
    runs=$(awk -v a="${after:-0}" -v b="$before" 'BEGIN { printf "%d", a - b }')
    echo "check $name ran $runs times in ${elapsed_ms} ms (cache interval ${interval_s} s: at most $allowed)"
    [ "$runs" -le "$allowed" ] || fail "check $name ran $runs times in ${elapsed_ms} ms, more than once per ${interval_s} s"
done <"$out/runs.joined"

# Both run in turns, twice, and each keeps its best run: the JIT and the machine's other work move these figures by
# 2x from one run to the next (measured at load 15-18: /livez 1.7k then 9.3k requests/s, the floor 8.0k then 7.8k).
wrk -t2 -c16 -d2s "$base/livez" >/dev/null 2>&1 || true
wrk -t2 -c16 -d2s "http://127.0.0.1:$floor_port/" >/dev/null 2>&1 || true
livez=0 floor=0
for round in 1 2; do
    wrk -t2 -c16 -d"${livez_seconds}s" "$base/livez" >"$out/wrk-livez-$round.txt" 2>&1 || fail "wrk on /livez failed"
    wrk -t2 -c16 -d"${livez_seconds}s" "http://127.0.0.1:$floor_port/" >"$out/wrk-floor-$round.txt" 2>&1 ||
        fail "wrk on the floor failed"
    livez=$(awk -v a="$livez" -v b="$(requests_per_s "$out/wrk-livez-$round.txt")" 'BEGIN { print (b + 0 > a + 0) ? b : a }')
    floor=$(awk -v a="$floor" -v b="$(requests_per_s "$out/wrk-floor-$round.txt")" 'BEGIN { print (b + 0 > a + 0) ? b : a }')
done
ratio=$(awk -v a="$livez" -v b="$floor" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print 0 }')
echo "== wrk -t2 -c16 -d${livez_seconds}s, best of 2 each: /livez $livez requests/s; a bare HttpServer handler (the floor) $floor requests/s: ${ratio}x the floor"
if awk -v r="$ratio" -v m="$min_ratio" 'BEGIN { exit !(r < m) }'; then
    fail "/livez serves ${ratio}x the floor's requests/s (at least $min_ratio required, 0.8 is the target)"
fi
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$failures" -gt 0 ]; then
    echo "$failures problem(s)"
    exit 1
fi
echo "load test passed: /healthz p99 ${p99} ms (limit $limit ms), every check at most once per ${interval_s} s, /livez ${ratio}x the floor"
