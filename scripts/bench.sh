#!/usr/bin/env bash
# Whole-process benchmark of `harden lint`, with hyperfine, on the shared
# corpus and on a corpus of N real manifests made by make-corpus.sh. Each
# input is timed next to the cost of reading its files (`cat` into
# /dev/null) in the same hyperfine run, so the figures are ratios against a
# peer measured on the same noisy machine. Peak memory comes from
# /usr/bin/time -v.
#
# Usage: scripts/bench.sh [N]        (N defaults to 10000)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
shared=$here/../shared
n=${1:-10000}
out=$here/target/bench
mkdir -p "$out"

cargo build --release --quiet --manifest-path "$here/Cargo.toml"
harden=$here/target/release/harden

corpus_n=$out/corpus-$n
if [ ! -d "$corpus_n" ]; then
  bash "$shared/bench/make-corpus.sh" "$n" "$corpus_n" >/dev/null
fi

run() {
  local name=$1 dir=$2
  local files
  files=$(find "$dir" -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) | wc -l)
  local list=$out/$name.files
  find "$dir" -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) -print0 >"$list"
  hyperfine --warmup 2 --runs 10 --style basic --export-json "$out/$name.json" \
    -n "harden lint ($name)" "$harden lint '$dir' --select all --format json --output /dev/null --exit-zero" \
    -n "read files ($name)" "xargs -0 cat <'$list' >/dev/null" >/dev/null
  local rss
  rss=$( { /usr/bin/time -v "$harden" lint "$dir" --select all --format json --output /dev/null --exit-zero; } 2>&1 \
    | awk -F': ' '/Maximum resident set size/ {print $2}')
  python3 - "$out/$name.json" "$files" "$rss" "$name" <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))
files, rss, name = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
lint, read = (r["median"] for r in data["results"])
print(f"{name}: {files} files; harden lint median {lint*1000:.1f} ms = {files/lint:,.0f} files/s; "
      f"reading the files alone {read*1000:.1f} ms; lint/read = {lint/read:.1f}x; peak RSS {rss/1024:.1f} MiB")
PY
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); $("$harden" --version)"
run corpus-k8s "$shared/corpus/k8s"
run "corpus-$n" "$corpus_n"
