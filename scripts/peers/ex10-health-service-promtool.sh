#!/usr/bin/env bash
# Peer check (verify stage 4): Prometheus's own promtool reads what the ex10 reference serves on /metrics. The target
# (PeerTarget, from the suite's classes) runs the service with real checks, one of them hung; curl sends requests to
# every route (and an unknown path) so that every metric has series, then scrapes /metrics as Prometheus would.
#   * `promtool check metrics` (parser and linter) must print nothing;
#   * the series the README names are there: the request histogram per route and status (unknown paths as
#     route="unmatched"), health_dependency_status per dependency (the hung one 0), health_check_duration_seconds.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
find_jdk
ensure_tool promtool prometheus
ensure_tool curl curl

slug=ex10-health-service
peer_out
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

peer_start_target "$slug" dev.opsworkbook.health.PeerTarget "$out/ports"
read -r port _ <"$out/ports"
base="http://127.0.0.1:$port"

for path in /livez /readyz /healthz /config /no-such-path /healthz; do
    curl -s -o /dev/null --max-time 10 "$base$path" || fail "GET $path: no answer"
done
curl -sS --max-time 10 -D "$out/metrics.headers" -o "$out/metrics.txt" "$base/metrics"
# One more scrape, so that the first one is counted under route="/metrics" too.
curl -sS --max-time 10 -o "$out/metrics.txt" "$base/metrics"

content_type=$(tr -d '\r' <"$out/metrics.headers" | sed -n 's/^[Cc]ontent-[Tt]ype: *//p')
[ "$content_type" = "text/plain; version=0.0.4; charset=utf-8" ] || fail "Content-Type of /metrics is '$content_type'"
if ! promtool check metrics <"$out/metrics.txt" >"$out/promtool.log" 2>&1 || [ -s "$out/promtool.log" ]; then
    fail "promtool check metrics:"
    cat "$out/promtool.log"
fi
expect() {
    grep -qF "$1" "$out/metrics.txt" || fail "no sample $1 in /metrics"
}
expect 'http_server_request_duration_seconds_count{route="/healthz",status="200"} 2'
expect 'http_server_request_duration_seconds_count{route="unmatched",status="404"} 1'
expect 'http_server_request_duration_seconds_count{route="/metrics",status="200"} 1'
expect 'http_server_request_duration_seconds_bucket{route="/livez",status="200",le="+Inf"} 1'
expect 'health_dependency_status{dependency="api"} 1.0'
expect 'health_dependency_status{dependency="hung_redis"} 0.0'
expect 'health_check_duration_seconds_count{dependency="hung_redis"}'
! grep -q 'no-such-path' "$out/metrics.txt" || fail "a raw path is a label value in /metrics"

echo "scraped $base/metrics: $(wc -c <"$out/metrics.txt") B, $(grep -cv '^#' "$out/metrics.txt") samples"
if [ "$failures" -gt 0 ]; then
    echo "$failures problem(s)"
    exit 1
fi
echo "promtool check metrics: nothing to say; every series the README names is there"
