#!/usr/bin/env bash
# Validates harden's SARIF for the shared corpus with Microsoft's SARIF
# multitool and GitHub's ingestion rules (`--rule-kind Gh`); any error-level
# result fails. Usage: scripts/validate-sarif.sh [HARDEN_BINARY]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
harden=${1:-$here/target/debug/harden}
corpus=$here/../shared/corpus/k8s
tools=${HARDEN_TOOLS_DIR:-$here/target/tools}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ ! -x "$tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool" ]; then
  mkdir -p "$tools"
  (cd "$tools" && npm install --silent --no-audit --no-fund @microsoft/sarif-multitool >/dev/null)
fi
multitool=$tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool

status=0
"$harden" lint "$corpus" --select all --format sarif --output "$work/corpus.sarif" || status=$?
if [ "$status" -gt 1 ]; then
  echo "harden failed with status $status" >&2
  exit 1
fi
"$multitool" validate "$work/corpus.sarif" --rule-kind Gh --output "$work/validation.sarif" \
  --log ForceOverwrite --max-file-size-in-kb 1000000 >"$work/multitool.log" 2>&1 || true
if grep -E ' error (ERR|WRN)[0-9]+' "$work/multitool.log" >&2 || [ ! -s "$work/validation.sarif" ]; then
  echo "the SARIF multitool did not validate the file" >&2
  exit 1
fi
python3 - "$work/validation.sarif" <<'PY'
import json, sys
log = json.load(open(sys.argv[1]))
results = [r for run in log["runs"] for r in run.get("results", [])]
errors = [r for r in results if r.get("level", "warning") == "error"]
for r in errors:
    print(f"{r['ruleId']}: {json.dumps(r['message'])}")
print(f"GitHub ingestion rules: {len(errors)} errors, {len(results) - len(errors)} other results")
sys.exit(1 if errors else 0)
PY
