#!/usr/bin/env bash
# Real peer for ex07 (DESIGN §5): a real nginx in front of the reference in X-Accel-Redirect mode (stretch task 6).
# The reference checks the token and answers `X-Accel-Redirect: /internal/<path>`; nginx serves the file from an
# `internal` location. Checks, through nginx: HEAD does not spend the link, GET delivers the exact bytes (SHA-256)
# with the reference's Content-Disposition and without the X-Accel-Redirect header, a second GET is a 410, an
# unknown token a 404, the internal location cannot be asked for directly. Prints the download's throughput.
# Uses the reference compiled by verify's stage 1; no Maven here. nginx runs unprivileged-style in its own
# prefix under PEER_OUT (one process, `daemon off; master_process off;`) and is stopped by its pid.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
find_jdk
ensure_tool nginx nginx
ensure_tool curl curl
ensure_tool sha256sum coreutils

s=ex07-file-service
target="$ROOT/solutions/$s/target"
[ -f "$target/test-classpath.txt" ] || die 2 "$target/test-classpath.txt missing: run scripts/verify.sh $s (stage 1 builds it)"
cp="$target/classes:$target/test-classes:$(cat "$target/test-classpath.txt")"
out=${PEER_OUT:-$(mktemp -d)}
mkdir -p "$out"
work=$(mktemp -d "$out/nginx-peer.XXXXXX")
root="$work/root"
mkdir -p "$root" "$work/nginx/logs" "$work/nginx/tmp"
secret="peer-secret-$RANDOM$RANDOM$RANDOM"
service_pid="" nginx_pid=""

cleanup() {
    [ -z "$nginx_pid" ] || kill "$nginx_pid" 2>/dev/null || true
    [ -z "$service_pid" ] || kill "$service_pid" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$root" "$work/down.bin" "$work/up.bin"
}
trap cleanup EXIT

fail() {
    echo "FAIL: $*"
    echo "--- reference stderr (last lines)"; tail -n 15 "$work/service.err" 2>/dev/null || true
    echo "--- nginx error log (last lines)"; tail -n 15 "$work/nginx/logs/error.log" 2>/dev/null || true
    exit 1
}

# The reference, X-Accel-Redirect mode, on a free loopback port (it prints PORT <n>).
"$JAVA_HOME/bin/java" -Xmx64m -cp "$cp" dev.opsworkbook.fileservice.FileServiceMain "$root" "$secret" $((1 << 30)) \
    /internal/ >"$work/service.out" 2>"$work/service.err" &
service_pid=$!
app=""
for _ in $(seq 300); do
    app=$(sed -n 's/^PORT //p' "$work/service.out")
    [ -n "$app" ] && break
    kill -0 "$service_pid" 2>/dev/null || fail "the reference exited before it listened"
    sleep 0.1
done
[ -n "$app" ] || fail "the reference did not print its port within 30 s"

# nginx on a free port: try a few random ones (another process may hold one).
start_nginx() {
    local port=$1
    cat >"$work/nginx/nginx.conf" <<CONF
daemon off;
master_process off;
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 64; }
http {
    # What the reference sent (upstream) next to what nginx sent: the bytes must come from nginx.
    log_format peer '\$request_method \$status upstream=\$upstream_response_length sent=\$body_bytes_sent';
    access_log $work/nginx/logs/access.log peer;
    client_body_temp_path $work/nginx/tmp/body;
    proxy_temp_path $work/nginx/tmp/proxy;
    fastcgi_temp_path $work/nginx/tmp/fastcgi;
    uwsgi_temp_path $work/nginx/tmp/uwsgi;
    scgi_temp_path $work/nginx/tmp/scgi;
    sendfile on;
    server {
        listen 127.0.0.1:$port;
        location /d/ {
            proxy_pass http://127.0.0.1:$app;
        }
        location /internal/ {
            internal;
            alias $root/;
            # nginx keeps only some of the upstream's headers on an X-Accel-Redirect: say nosniff here too.
            add_header X-Content-Type-Options nosniff always;
        }
    }
}
CONF
    nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -e "$work/nginx/logs/error.log" &
    nginx_pid=$!
    for _ in $(seq 50); do
        if curl -s -o /dev/null "http://127.0.0.1:$port/d/x" 2>/dev/null; then
            return 0
        fi
        kill -0 "$nginx_pid" 2>/dev/null || { nginx_pid=""; return 1; }
        sleep 0.1
    done
    return 1
}
proxy=""
for _ in 1 2 3 4 5; do
    candidate=$((20000 + RANDOM % 40000))
    if start_nginx "$candidate"; then
        proxy=$candidate
        break
    fi
done
[ -n "$proxy" ] || fail "nginx did not start on any of 5 random loopback ports"
echo "reference on 127.0.0.1:$app (X-Accel-Redirect /internal/), nginx $(nginx -v 2>&1 | sed 's/.*\///') on 127.0.0.1:$proxy"

size=$((64 << 20))
head -c "$size" /dev/urandom >"$work/up.bin"
want=$(sha256sum "$work/up.bin" | cut -d' ' -f1)
name='peer/r%C3%A9sum%C3%A9%201.bin' # "peer/résumé 1.bin": nginx must unescape the internal URI once

code=$(curl -s -o "$work/put.json" -w '%{http_code}' -T "$work/up.bin" -H "Authorization: Bearer $secret" \
    "http://127.0.0.1:$app/files/$name")
[ "$code" = 201 ] || fail "upload to the reference: HTTP $code $(cat "$work/put.json")"
grep -q "\"sha256\":\"$want\"" "$work/put.json" || fail "upload: the reference's sha256 differs: $(cat "$work/put.json")"

link=$(curl -s -H "Authorization: Bearer $secret" -d "{\"path\":\"$name\",\"ttl\":\"PT10M\"}" "http://127.0.0.1:$app/links")
url=$(printf '%s' "$link" | sed -n 's/.*"url":"\([^"]*\)".*/\1/p')
[ -n "$url" ] || fail "POST /links: $link"

code=$(curl -s -o /dev/null -w '%{http_code}' -I "http://127.0.0.1:$proxy$url")
[ "$code" = 200 ] || fail "HEAD through nginx: HTTP $code (expected 200)"

started=$(date +%s%N)
code=$(curl -s -D "$work/headers.txt" -o "$work/down.bin" -w '%{http_code}' "http://127.0.0.1:$proxy$url")
ended=$(date +%s%N)
[ "$code" = 200 ] || fail "GET through nginx after a HEAD: HTTP $code (a HEAD must not spend the link)"
got=$(sha256sum "$work/down.bin" | cut -d' ' -f1)
[ "$got" = "$want" ] || fail "GET through nginx: SHA-256 $got, uploaded $want"
grep -qi '^x-accel-redirect:' "$work/headers.txt" && fail "nginx passed the internal X-Accel-Redirect header to the client"
grep -qi "^x-content-type-options: nosniff" "$work/headers.txt" || fail "no X-Content-Type-Options: nosniff through nginx"
grep -qi "^content-disposition: attachment" "$work/headers.txt" ||
    fail "the reference's Content-Disposition did not reach the client: $(tr -d '\r' <"$work/headers.txt" | tr '\n' '|')"

line=$(grep '^GET 200 ' "$work/nginx/logs/access.log" | head -n 1)
[ "$line" = "GET 200 upstream=0 sent=$size" ] ||
    fail "the file did not come from nginx (expected 'GET 200 upstream=0 sent=$size' in its log, got '$line')"

code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$proxy$url")
[ "$code" = 410 ] || fail "second GET through nginx: HTTP $code (expected 410: the hand-off spent the link)"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$proxy/d/AAAAAAAAAAAAAAAAAAAAAA")
[ "$code" = 404 ] || fail "unknown token through nginx: HTTP $code (expected 404)"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$proxy/internal/$name")
[ "$code" = 404 ] || fail "the internal location answered a client directly: HTTP $code (expected 404)"

awk -v b="$size" -v ns="$((ended - started))" 'BEGIN {
    printf "ok: 64 MiB through nginx in %.0f ms (%.0f MiB/s); HEAD kept the link, GET spent it, unknown 404, internal hidden\n",
        ns / 1e6, b / 1048576 / (ns / 1e9) }'
printf 'headers the client saw: %s\n' "$(tr -d '\r' <"$work/headers.txt" | grep -iE '^(content-type|content-disposition|content-length|x-content-type-options):' | tr '\n' ' ')"
