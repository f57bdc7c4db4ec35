#!/usr/bin/env bash
# Peer check for ex01: real logrotate rotates a log that a writer appends numbered lines to, while the reference
# and GNU `tail -F` (inotify, its default, and polling) follow it side by side. Prints lost / duplicated /
# out-of-order lines for each, per mode:
#   create        logrotate renames the log and creates a new one; postrotate sends SIGHUP and the writer reopens
#                 its log PEER_HUP_DELAY_MS later (it keeps writing to the renamed file meanwhile). The reference
#                 must lose no line.
#   copytruncate  logrotate copies the log and truncates it; the writer (O_APPEND) writes on. Lines written between
#                 the copy and the truncation that a follower has not read yet are lost to any follower: the
#                 reference must not lose more than tail -F (inotify), give or take what the writer writes in
#                 PEER_SLACK_MS per truncation. Both wake on each write, but which of two processes gets a core
#                 first on a busy machine is chance: a strict comparison failed 1 run in 2 with both cores busy
#                 (the reference 440 lines, tail -F 350, the whole difference one 97-line burst at one truncation).
# Runs the reference compiled by verify's stage 1 (REFERENCE_CLASSES overrides it, e.g. to measure an older build);
# writes its files to PEER_OUT. Knobs: PEER_LINES (200000 per mode), PEER_RATE (lines/s, 20000), PEER_ROTATIONS (9),
# PEER_HUP_DELAY_MS (100), PEER_POLL_MS (250, for every follower), PEER_SLACK_MS (10), PEER_MODES ("create copytruncate").
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
find_jdk
ensure_tool logrotate logrotate
ensure_tool tail coreutils

slug=ex01-log-follower
classes=${REFERENCE_CLASSES:-$ROOT/solutions/$slug/target/classes}
classpath_file=$ROOT/solutions/$slug/target/test-classpath.txt
if [ ! -d "$classes" ] || [ ! -f "$classpath_file" ]; then
    die 2 "the reference is not built: run scripts/verify.sh $slug (stage 1 compiles it and writes $classpath_file)"
fi
out=${PEER_OUT:-$ROOT/target/verify/peers/$slug-logrotate}
lines=${PEER_LINES:-200000}
rate=${PEER_RATE:-20000}
rotations=${PEER_ROTATIONS:-9}
hup_delay_ms=${PEER_HUP_DELAY_MS:-100}
poll_ms=${PEER_POLL_MS:-250}
slack_ms=${PEER_SLACK_MS:-10}
modes=${PEER_MODES:-create copytruncate}
rm -rf "$out"
mkdir -p "$out"
chmod 755 "$out" # logrotate skips logs in a group- or world-writable directory

pids=()
cleanup() {
    local p
    for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

# writer LOG TOTAL RATE HUP_DELAY_US: appends the lines 1..TOTAL to LOG (O_APPEND) at RATE lines/s. On SIGHUP it
# reopens LOG HUP_DELAY_US later, as a service that finishes what it was doing first; until then it writes on to
# the file it has open, renamed or not. Builtins only in the loop (EPOCHREALTIME, printf): a fork per line or per
# clock reading would make it the slowest process on a busy machine.
# shellcheck disable=SC2034 # delay_us is read by the HUP trap
writer() {
    local log=$1 total=$2 per_second=$3 delay_us=$4 i=1 start now due reopen_at=0
    exec 3>>"$log"
    trap 'reopen_at=$((${EPOCHREALTIME/./} + delay_us))' HUP
    start=${EPOCHREALTIME/./}
    while [ "$i" -le "$total" ]; do
        now=${EPOCHREALTIME/./}
        if [ "$reopen_at" -ne 0 ] && [ "$now" -ge "$reopen_at" ]; then
            exec 3>>"$log"
            reopen_at=0
        fi
        due=$(((now - start) * per_second / 1000000 + 1))
        [ "$due" -le "$total" ] || due=$total
        while [ "$i" -le "$due" ]; do
            printf '%d\n' "$i" >&3
            i=$((i + 1))
        done
        sleep 0.002
    done
    exec 3>&-
}

# holds_open PID FILE: whether process PID has FILE open.
holds_open() {
    local fd
    for fd in /proc/"$1"/fd/*; do
        [ "$(readlink "$fd" 2>/dev/null)" = "$2" ] && return 0
    done
    return 1
}

# await_open PID FILE WHAT: waits (at most 30 s) until PID has FILE open.
await_open() {
    local i
    for ((i = 0; i < 300; i++)); do
        holds_open "$1" "$2" && return 0
        kill -0 "$1" 2>/dev/null || die 1 "$3 ended before it opened $2: $(tail -n 5 "$out"/*.err 2>/dev/null)"
        sleep 0.1
    done
    die 1 "$3 did not open $2 within 30 s"
}

# await_caught_up FILE TOTAL: waits until FILE ends with line TOTAL, or has not grown for 2 s (at most 20 s).
await_caught_up() {
    local file=$1 total=$2 size last_size=-1 quiet=0 i
    for ((i = 0; i < 200; i++)); do
        [ "$(tail -n 1 "$file" 2>/dev/null)" = "$total" ] && return 0
        size=$(stat -c %s "$file")
        if [ "$size" = "$last_size" ]; then quiet=$((quiet + 1)); else quiet=0; fi
        [ "$quiet" -lt 20 ] || return 0
        last_size=$size
        sleep 0.1
    done
}

# count FILE TOTAL: prints "lost duplicated out-of-order" for the numbered lines 1..TOTAL in FILE.
count() {
    awk -v n="$2" '
        $0 ~ /^[0-9]+$/ && $0 >= 1 && $0 <= n {
            seen[$0]++
            if ($0 + 0 < max) ooo++; else max = $0 + 0
        }
        END {
            for (i = 1; i <= n; i++) { if (!(i in seen)) lost++; else if (seen[i] > 1) dup += seen[i] - 1 }
            printf "%d %d %d\n", lost, dup, ooo
        }' "$1"
}

# report MODE NAME FILE: prints the table row of one follower; sets "lost".
report() {
    local dup ooo
    read -r lost dup ooo < <(count "$3" "$lines")
    printf '%-13s %-18s %8d %8d %11d %13d\n' "$1" "$2" "$lines" "$lost" "$dup" "$ooo"
}

run_mode() {
    local mode=$1 dir="$out/$1" log java_pid inotify_pid polling_pid writer_pid r rc=0 started=$SECONDS lost
    local ref_lost tail_lost polling_lost every_ms tail_interval
    mkdir -p "$dir"
    log="$dir/app.log"
    : >"$log"
    {
        echo "$log {"
        echo "    rotate 50"
        echo "    missingok"
        echo "    nocompress"
        if [ "$mode" = create ]; then
            echo "    create"
            echo "    postrotate"
            echo "        kill -HUP \$(cat $dir/writer.pid)"
            echo "    endscript"
        else
            echo "    copytruncate"
        fi
        echo "}"
    } >"$dir/logrotate.conf"

    "$JAVA_HOME/bin/java" -XX:TieredStopAtLevel=1 -cp "$classes:$(cat "$classpath_file")" \
        dev.opsworkbook.logfollower.LogFollower --from-beginning --poll-ms "$poll_ms" "$log" \
        >"$dir/reference.out" 2>"$dir/reference.err" &
    java_pid=$!
    pids+=("$java_pid")
    tail_interval=$(awk -v ms="$poll_ms" 'BEGIN { printf "%.3f", ms / 1000 }')
    tail -F -n +1 -s "$tail_interval" "$log" >"$dir/tail-inotify.out" 2>"$dir/tail-inotify.err" &
    inotify_pid=$!
    pids+=("$inotify_pid")
    # ---disable-inotify: coreutils' own switch to its polling mode (what it does on NFS and other remote files).
    tail ---disable-inotify -F -n +1 -s "$tail_interval" "$log" >"$dir/tail-polling.out" 2>"$dir/tail-polling.err" &
    polling_pid=$!
    pids+=("$polling_pid")
    await_open "$inotify_pid" "$log" "tail -F"
    await_open "$polling_pid" "$log" "tail -F ---disable-inotify"
    await_open "$java_pid" "$log" "the reference"

    writer "$log" "$lines" "$rate" "$((hup_delay_ms * 1000))" &
    writer_pid=$!
    pids+=("$writer_pid")
    echo "$writer_pid" >"$dir/writer.pid"
    # Rotations spread evenly over the time the writer needs.
    every_ms=$((lines * 1000 / rate / (rotations + 1)))
    for ((r = 1; r <= rotations; r++)); do
        sleep "$(awk -v ms="$every_ms" 'BEGIN { printf "%.3f", ms / 1000 }')"
        logrotate -f -s "$dir/logrotate.state" "$dir/logrotate.conf" 2>>"$dir/logrotate.err" ||
            die 1 "logrotate failed: $(tail -n 5 "$dir/logrotate.err")"
    done
    wait "$writer_pid"
    await_caught_up "$dir/reference.out" "$lines"
    await_caught_up "$dir/tail-inotify.out" "$lines"
    await_caught_up "$dir/tail-polling.out" "$lines"
    kill -TERM "$java_pid" "$inotify_pid" "$polling_pid"
    wait "$java_pid" || rc=$?
    [ "$rc" = 143 ] || die 1 "the reference exited with $rc after SIGTERM, not 143: $(tail -n 5 "$dir/reference.err")"
    wait "$inotify_pid" "$polling_pid" || true
    pids=()

    report "$mode" reference "$dir/reference.out"
    ref_lost=$lost
    report "$mode" "tail -F (inotify)" "$dir/tail-inotify.out"
    tail_lost=$lost
    report "$mode" "tail -F (polling)" "$dir/tail-polling.out"
    polling_lost=$lost
    echo "$mode ($rotations rotations, $((SECONDS - started)) s): lost by the reference $ref_lost, by tail -F" \
        "$tail_lost (inotify), $polling_lost (polling)" >>"$out/verdicts"
    local slack=$((rotations * rate * slack_ms / 1000))
    if [ "$mode" = create ] && [ "$ref_lost" -gt 0 ]; then
        echo "FAIL create: the reference lost $ref_lost lines (it must lose none: keep reading the renamed file)" \
            >>"$out/failures"
    elif [ "$mode" = copytruncate ] && [ "$ref_lost" -gt $((tail_lost + slack)) ]; then
        echo "FAIL copytruncate: the reference lost $ref_lost lines, more than tail -F's $tail_lost + $slack" \
            "($slack_ms ms of writes per truncation): read on every write, not only every poll" >>"$out/failures"
    fi
}

echo "logrotate $(logrotate --version 2>&1 | head -n 1 | awk '{print $2}'), $(tail --version | head -n 1);" \
    "$lines lines per mode at $rate lines/s, $rotations rotations, SIGHUP reopen after $hup_delay_ms ms," \
    "poll $poll_ms ms, $(nproc) cores"
printf '%-13s %-18s %8s %8s %11s %13s\n' mode follower lines lost duplicated out-of-order
for mode in $modes; do
    case "$mode" in create | copytruncate) run_mode "$mode" ;; *) die 2 "unknown mode '$mode'" ;; esac
done
cat "$out/verdicts"
if [ -f "$out/failures" ]; then
    cat "$out/failures"
    exit 1
fi
echo "ok: the reference lost no line in create mode, and in copytruncate mode no more than tail -F (inotify)" \
    "+ $slack_ms ms of writes per truncation"
