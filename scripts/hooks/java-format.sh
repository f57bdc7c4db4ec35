#!/usr/bin/env bash
# pre-commit hook: the Java format rules of config/checkstyle.xml, through Maven (offline after one build).
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
find_jdk
find_maven
log="$ROOT/target/checkstyle.log"
if ! run_maven "$log" checkstyle:check; then
    grep -E "^\[(ERROR|WARN)" "$log" | grep -v "Failed to execute\|Help 1\|^\[ERROR\] *$\|Re-run Maven\|full stack trace\|For more information\|MojoFailure" | head -n 40
    exit 1
fi
