#!/usr/bin/env bash
# Peer check (verify stage 4): Prometheus's own promtool reads what the ex03 reference serves. The reference's
# /metrics (PromtoolTarget, from the solution's test classes) holds every kind of metric and label values that need
# every escape; curl scrapes it as a Prometheus server would, in both formats, with and without gzip.
#   * text format 0.0.4: `promtool check metrics` (parser and linter) must print nothing.
#   * OpenMetrics 1.0.0: `promtool check metrics` reads the text format only (an OpenMetrics HELP escapes `"`,
#     an error there), so the scrape goes through promtool's OpenMetrics parser instead:
#     `promtool tsdb create-blocks-from openmetrics`, which needs a timestamp on every sample (appended here) and
#     must import one series per sample line.
#   * gzip: the compressed bodies pass `gzip -t` and decompress to the plain ones; the headers say what they are.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
find_jdk
ensure_tool promtool prometheus
ensure_tool curl curl

slug=ex03-metrics-endpoint
peer_out
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

peer_start_target "$slug" dev.opsworkbook.metrics.PromtoolTarget "$out/url"
url=$(cat "$out/url")
prometheus_accept='application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1'

# scrape NAME [curl args...]: the body in NAME.body, the response headers (lower-case names) in NAME.headers.
scrape() {
    local name=$1
    shift
    curl -sS --max-time 20 -D "$out/$name.raw-headers" -o "$out/$name.body" "$@" "$url"
    tr -d '\r' <"$out/$name.raw-headers" | tr '[:upper:]' '[:lower:]' >"$out/$name.headers"
}
# header NAME HEADER: the value of one response header (lower-cased).
header() { sed -n "s/^$2: *//p" "$out/$1.headers" | head -n 1; }
expect_header() {
    local got
    got=$(header "$1" "$2")
    [ "$got" = "$3" ] || fail "$1: $2 is '$got', expected '$3'"
}
# The middleware counts every scrape of /metrics: only its http_request* metrics differ from scrape to scrape.
static_lines() { grep -v 'http_request' "$1"; }

scrape text
scrape text-gzip -H 'Accept-Encoding: gzip'
scrape openmetrics -H "Accept: $prometheus_accept"
scrape openmetrics-gzip -H "Accept: $prometheus_accept" -H 'Accept-Encoding: gzip'

expect_header text content-type 'text/plain; version=0.0.4; charset=utf-8'
expect_header openmetrics content-type 'application/openmetrics-text; version=1.0.0; charset=utf-8'
for name in text-gzip openmetrics-gzip; do
    expect_header "$name" content-encoding gzip
    if ! gzip -t <"$out/$name.body" 2>"$out/$name.gzip-t"; then
        fail "$name: the body is not valid gzip: $(cat "$out/$name.gzip-t")"
        continue
    fi
    gzip -dc <"$out/$name.body" >"$out/$name.decoded"
    plain=${name%-gzip}
    cmp -s <(static_lines "$out/$name.decoded") <(static_lines "$out/$plain.body") ||
        fail "$name: decompressed, it differs from the plain scrape: $(diff <(static_lines "$out/$name.decoded") <(static_lines "$out/$plain.body") | head -n 5)"
done
for name in text text-gzip openmetrics openmetrics-gzip; do
    vary=$(header "$name" vary)
    case ",${vary// /}," in *,accept,*) ;; *) fail "$name: Vary '$vary' does not name Accept" ;; esac
    case ",${vary// /}," in *,accept-encoding,*) ;; *) fail "$name: Vary '$vary' does not name Accept-Encoding" ;; esac
done

# Text format: the parser and the linter must have nothing to say.
for body in "$out/text.body" "$out/text-gzip.decoded"; do
    [ -f "$body" ] || continue
    if ! promtool check metrics <"$body" >"$out/promtool.log" 2>&1 || [ -s "$out/promtool.log" ]; then
        fail "promtool check metrics on $(basename "$body"):"
        cat "$out/promtool.log"
    fi
done

# OpenMetrics: promtool's OpenMetrics parser, through its importer (every sample gets a timestamp: it needs one).
for body in "$out/openmetrics.body" "$out/openmetrics-gzip.decoded"; do
    [ -f "$body" ] || continue
    base=$(basename "$body")
    sed '/^#/!s/$/ 1700000000/' "$body" >"$out/$base.timestamped"
    samples=$(grep -cv '^#' "$body")
    if ! promtool tsdb create-blocks-from openmetrics "$out/$base.timestamped" "$out/$base.blocks" >"$out/$base.import" 2>&1; then
        fail "promtool's OpenMetrics parser rejects $base:"
        cat "$out/$base.import"
        continue
    fi
    series=$(awk 'length($1) == 26 && $1 ~ /^[0-9A-Z]+$/ { n += $7 } END { print n + 0 }' "$out/$base.import")
    [ "$series" = "$samples" ] || fail "$base: promtool imported $series series, the scrape has $samples sample lines"
done

echo "scraped $url: text $(wc -c <"$out/text.body") B (gzip $(wc -c <"$out/text-gzip.body") B)," \
    "OpenMetrics $(wc -c <"$out/openmetrics.body") B (gzip $(wc -c <"$out/openmetrics-gzip.body") B)," \
    "$(grep -cv '^#' "$out/openmetrics.body") samples"
if [ "$failures" -gt 0 ]; then
    echo "$failures problem(s)"
    exit 1
fi
echo "promtool check metrics: nothing to say about the text format; its OpenMetrics parser accepts the OpenMetrics scrape"
