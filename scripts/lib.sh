#!/usr/bin/env bash
# Shared by grade.sh, verify.sh and bench.sh (sourced, not run): locate a JDK >= 21 and Maven >= 3.8.7,
# list exercises, and run Maven offline when the local repository allows it.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MIN_JAVA=21
MIN_MAVEN=3.8.7

die() { # die EXIT_CODE MESSAGE
    echo "error: $2" >&2
    exit "$1"
}

# Prints the major version of the JDK at $1, or nothing if $1 is not a JDK (a JRE has no javac).
jdk_major() {
    local home=$1 v=""
    [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || return 0
    if [ -f "$home/release" ]; then
        v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$home/release")
    fi
    if [ -z "$v" ]; then
        v=$("$home/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1)
    fi
    echo "$v"
}

# Exports JAVA_HOME for a JDK >= 21: $JAVA_HOME if it qualifies, else the newest one found
# beside `java` on PATH or in the usual install folders.
find_jdk() {
    local v best="" best_v=0 candidate on_path=""
    if [ -n "${JAVA_HOME:-}" ]; then
        v=$(jdk_major "$JAVA_HOME")
        if [ -n "$v" ] && [ "$v" -ge "$MIN_JAVA" ]; then
            export JAVA_HOME PATH="$JAVA_HOME/bin:$PATH"
            JAVA_MAJOR=$v
            return 0
        fi
    fi
    if command -v java >/dev/null 2>&1; then
        on_path=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
    fi
    for candidate in "$on_path" /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/*jdk* \
        /Library/Java/JavaVirtualMachines/*/Contents/Home "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/*; do
        [ -d "$candidate" ] || continue
        v=$(jdk_major "$candidate")
        if [ -n "$v" ] && [ "$v" -ge "$MIN_JAVA" ] && [ "$v" -gt "$best_v" ]; then
            best=$candidate
            best_v=$v
        fi
    done
    [ -n "$best" ] || die 2 "no JDK $MIN_JAVA or newer found (JAVA_HOME='${JAVA_HOME:-}', java on PATH is $(java -version 2>&1 | head -n 1 || echo missing)); install one, e.g. 'apt-get install openjdk-21-jdk-headless', or set JAVA_HOME to it."
    export JAVA_HOME=$best PATH="$best/bin:$PATH"
    JAVA_MAJOR=$best_v
}

# Checks that Maven >= 3.8.7 is on PATH; quiets JDK 24+'s sun.misc.Unsafe warnings from Maven's own Guava.
# Maven's own JVM runs C1 only: it compiles (with static analysis) and every suite, JMH run and PIT minion is a
# forked JVM of its own. Measured on 2 cores: the reactor's compile 180 s -> 105 s of CPU, one exercise's
# 10 s -> 5 s; C2's compile threads cost more than they save in a JVM that lives a minute.
find_maven() {
    command -v mvn >/dev/null 2>&1 || die 2 "Maven not found on PATH: install Maven $MIN_MAVEN or newer (e.g. 'apt-get install maven')."
    local version
    version=$(mvn -B --version 2>/dev/null | grep -o 'Apache Maven [0-9.]*' | head -n 1 | cut -d' ' -f3)
    [ -n "$version" ] || die 2 "'mvn --version' did not run; check your Maven installation."
    if [ "$(printf '%s\n%s\n' "$MIN_MAVEN" "$version" | sort -V | head -n 1)" != "$MIN_MAVEN" ]; then
        die 2 "Maven $version is too old: install Maven $MIN_MAVEN or newer."
    fi
    case " ${MAVEN_OPTS:-} " in *" -XX:TieredStopAtLevel="*) ;; *) export MAVEN_OPTS="${MAVEN_OPTS:-} -XX:TieredStopAtLevel=1" ;; esac
    if [ "${JAVA_MAJOR:-0}" -ge 23 ]; then
        export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
    fi
}

# run_maven LOG ARGS...: Maven in batch mode, its output in LOG. Offline first (fast, no network);
# online once if the local repository lacks something, as on a fresh machine.
run_maven() {
    local log=$1 rc=0
    shift
    mkdir -p "$(dirname "$log")"
    (cd "$ROOT" && mvn -B -o "$@") >"$log" 2>&1 || rc=$?
    if [ "$rc" -ne 0 ] && grep -qE "offline mode|has not been downloaded from it before|Could not resolve dependencies|Unresolveable build extension|could not be resolved" "$log"; then
        echo "  (first build: downloading dependencies from Maven Central)" >&2
        rc=0
        (cd "$ROOT" && mvn -B "$@") >"$log" 2>&1 || rc=$?
    fi
    return "$rc"
}

# ensure_tool COMMAND DEBIAN_PACKAGE: makes COMMAND available, installing the package when it is missing and
# this is root on a Debian-like system (apt-get update once per run); else exits 2 with what to install.
ensure_tool() {
    local cmd=$1 package=$2
    command -v "$cmd" >/dev/null 2>&1 && return 0
    [ -x "/usr/sbin/$cmd" ] && { export PATH="$PATH:/usr/sbin"; return 0; }
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "  (installing $package for $cmd)" >&2
        if [ -z "${APT_UPDATED:-}" ]; then
            apt-get update -q >/dev/null 2>&1 || true
            export APT_UPDATED=1
        fi
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$package" >/dev/null 2>&1 || true
        export PATH="$PATH:/usr/sbin"
    fi
    command -v "$cmd" >/dev/null 2>&1 || die 2 "'$cmd' not found: install the Debian package '$package' (apt-get install $package)."
}

# ensure_exercise_tools SLUG...: the programs these exercises' suites run, installed when missing (see ensure_tool).
# ex09's real Redis (the kit's TestRedis): redis-server 6.2+ from the Debian package; where it cannot be installed, the
# kit falls back to the binary bundled in embedded-redis, so a failed install is not an error.
ensure_exercise_tools() {
    local slug
    for slug in "$@"; do
        case "$slug" in
            ex09-* | ex10-*) (ensure_tool redis-server redis-server) || echo "  (the suite uses the redis-server bundled in embedded-redis)" >&2 ;;
        esac
    done
}

# Peer scripts (scripts/peers, verify stage 4). peer_out: sets out to PEER_OUT (emptied), or to a temporary folder
# deleted on exit when a peer is run by hand.
peer_out() {
    scratch=""
    if [ -n "${PEER_OUT:-}" ]; then
        out=$PEER_OUT
        rm -rf "$out"
        mkdir -p "$out"
    else
        out=$(mktemp -d)
        scratch=$out
    fi
}

# peer_start_target SLUG MAIN READY_FILE: runs MAIN from the reference's test classes (built by verify stage 1) with
# READY_FILE as its argument, until its standard input closes: a fifo held open here, closed on exit (which also
# deletes a scratch folder). Returns once MAIN has written READY_FILE; exits 1 after 30 s without it.
peer_start_target() {
    local solution="$ROOT/solutions/$1" main=$2 ready=$3
    [ -f "$solution/target/test-classpath.txt" ] || die 2 "build the reference first (verify stage 1): no $solution/target/test-classpath.txt"
    mkfifo "$out/stdin"
    "$JAVA_HOME/bin/java" -cp "$solution/target/classes:$solution/target/test-classes:$(cat "$solution/target/test-classpath.txt")" \
        "$main" "$ready" <"$out/stdin" >"$out/target.log" 2>&1 &
    peer_target=$!
    exec 3>"$out/stdin"
    trap peer_stop_target EXIT
    for _ in $(seq 1 300); do
        [ -s "$ready" ] || ! kill -0 "$peer_target" 2>/dev/null || { sleep 0.1; continue; }
        break
    done
    [ -s "$ready" ] || { tail -n 20 "$out/target.log"; die 1 "the target did not start listening within 30 s"; }
}

peer_stop_target() {
    exec 3>&-
    wait "$peer_target" 2>/dev/null || true
    [ -z "$scratch" ] || rm -rf "$scratch"
}

# All exercise slugs, in order.
all_exercises() {
    local d
    for d in "$ROOT"/exercises/ex[0-9][0-9]-*/; do
        [ -f "$d/pom.xml" ] && basename "$d"
    done
}

# resolve_exercise ARG: prints the slug for ex05, 05, 5 or ex05-safe-exec; exits 2 if unknown.
resolve_exercise() {
    local arg=$1 prefix slug
    case "$arg" in
        ex[0-9][0-9]-*) prefix=$arg ;;
        ex[0-9][0-9]) prefix="$arg-" ;;
        [0-9] | [0-9][0-9]) prefix=$(printf 'ex%02d-' "$((10#$arg))") ;;
        *) die 2 "unknown exercise '$arg': use ex05, 05 or the full slug; exercises here: $(all_exercises | tr '\n' ' ')" ;;
    esac
    for slug in $(all_exercises); do
        if [ "$slug" = "$prefix" ] || [ "${slug#"$prefix"}" != "$slug" ]; then
            echo "$slug"
            return 0
        fi
    done
    die 2 "unknown exercise '$arg'; exercises here: $(all_exercises | tr '\n' ' ')"
}

# The kit's command-line tool (report, checks, bench table), from the kit's compiled classes.
grading_cli() {
    # UTF-8 whatever the locale: test names and the scoreboard use characters such as › and ✗.
    "$JAVA_HOME/bin/java" -Dstdout.encoding=UTF-8 -Dstderr.encoding=UTF-8 \
        -cp "$ROOT/common/test-support/target/classes" dev.opsworkbook.grading.GradingCli "$@"
}

# ensure_kit: compiles the grading kit (common/test-support) when it was never built or its sources changed since;
# needs Maven only then. Exits 2 if the kit does not build.
ensure_kit() {
    local marker="$ROOT/common/test-support/target/classes/dev/opsworkbook/grading/GradingCli.class"
    if [ -f "$marker" ] && [ -z "$(find "$ROOT/common/test-support/src/main" "$ROOT/common/test-support/pom.xml" \
        "$ROOT/pom.xml" -newer "$marker" -print -quit)" ]; then
        return 0
    fi
    find_maven
    echo "Building the grading kit..." >&2
    run_maven "$ROOT/target/grading/kit-build.log" -q -pl common/test-support compile ||
        die 2 "the grading kit did not build; see target/grading/kit-build.log"
}

# learner_exercise ARG: for watch.sh and interview.sh. ARG is an exercise (ex05, 05, the slug) or the path of an
# exercise folder (a copy of exercises/SLUG/ kept elsewhere). Sets EXERCISE_DIR and EXERCISE_SLUG; exits 2 if unknown.
learner_exercise() {
    local arg=$1
    if [ -d "$arg/src/main/java" ]; then
        EXERCISE_DIR=$(cd "$arg" && pwd)
        EXERCISE_SLUG=$(resolve_exercise "$(basename "$EXERCISE_DIR")")
    else
        EXERCISE_SLUG=$(resolve_exercise "$arg")
        EXERCISE_DIR="$ROOT/exercises/$EXERCISE_SLUG"
    fi
}

# suite_classpath SLUG: prints the file that lists the exercise's test classpath (the kit, JUnit, the libraries),
# resolved by Maven once and kept until a pom.xml or the kit changes; $GRADING_CLASSPATH_FILE overrides it (tests).
# Builds the kit first when its sources changed, as grade.sh does. Exits 2 if Maven fails.
suite_classpath() {
    local slug=$1 file="$ROOT/exercises/$1/target/suite-classpath.txt"
    local kit_marker="$ROOT/common/test-support/target/classes/dev/opsworkbook/grading/GradingCli.class"
    if [ -n "${GRADING_CLASSPATH_FILE:-}" ]; then
        echo "$GRADING_CLASSPATH_FILE"
        return 0
    fi
    find_maven
    ensure_kit
    if [ ! -f "$file" ] || [ -n "$(find "$ROOT/pom.xml" "$ROOT/exercises/$slug/pom.xml" "$kit_marker" -newer "$file" -print -quit)" ]; then
        echo "Resolving the suite's classpath (once; Maven)..." >&2
        # The learner's code is not compiled here (maven.main.skip): it may not compile yet, and the rounds compile it.
        run_maven "$ROOT/target/grading/classpath.log" -q -pl "common/test-support,exercises/$slug" compile \
            dependency:build-classpath -Dmaven.main.skip=true -Dkit.tests.skip=true -Dmdep.includeScope=test \
            "-Dmdep.outputFile=$file" ||
            die 2 "Maven could not resolve the classpath of $slug; see target/grading/classpath.log"
    fi
    echo "$file"
}
