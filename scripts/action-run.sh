#!/usr/bin/env bash
# The steps of the GitHub Action (action.yml): install harden, run it once
# printing annotations and writing SARIF, record the outcome in
# $GITHUB_OUTPUT, and exit with harden's status.
#
# Inputs come as environment variables, as action.yml passes them:
#   INPUT_PATH        paths to check, space-separated (default .)
#   INPUT_CONFIG      --config FILE (empty: harden finds .harden.yaml itself)
#   INPUT_FAIL_ON     --fail-on SEVERITY (empty: harden's default)
#   INPUT_FORMAT      the format printed to the log (default github)
#   INPUT_SARIF_FILE  where the SARIF goes (default harden.sarif)
#   INPUT_VERSION     release to install: `latest` or a version such as 0.2.0
#   INPUT_ARGS        more arguments for `harden lint`, space-separated
#   HARDEN_BIN        a harden binary to use instead of installing one
#   HARDEN_REPOSITORY where releases and sources come from
set -uo pipefail

repository=${HARDEN_REPOSITORY:-https://github.com/harden-dev/harden}
version=${INPUT_VERSION:-latest}
version=${version#v}

output() {
  if [ -n "${GITHUB_OUTPUT:-}" ]; then
    echo "$1=$2" >>"$GITHUB_OUTPUT"
  fi
}

target_triple() {
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) echo x86_64-unknown-linux-gnu ;;
    Linux-aarch64 | Linux-arm64) echo aarch64-unknown-linux-gnu ;;
    Darwin-x86_64) echo x86_64-apple-darwin ;;
    Darwin-arm64) echo aarch64-apple-darwin ;;
    *) return 1 ;;
  esac
}

sha256() {
  if command -v sha256sum >/dev/null; then
    sha256sum "$1" | cut -d' ' -f1
  else
    shasum -a 256 "$1" | cut -d' ' -f1
  fi
}

# A published release binary, checked against its published checksum.
install_release() {
  local dir=$1 triple base asset
  triple=$(target_triple) || return 1
  if [ "$version" = latest ]; then
    base=$repository/releases/latest/download
  else
    base=$repository/releases/download/v$version
  fi
  asset=harden-$triple.tar.gz
  curl -fsSL --retry 3 -o "$dir/$asset" "$base/$asset" || return 1
  curl -fsSL --retry 3 -o "$dir/$asset.sha256" "$base/$asset.sha256" || return 1
  local expected actual
  expected=$(cut -d' ' -f1 <"$dir/$asset.sha256")
  actual=$(sha256 "$dir/$asset")
  if [ -z "$expected" ] || [ "$expected" != "$actual" ]; then
    echo "harden: checksum mismatch for $asset (expected $expected, got $actual)" >&2
    return 1
  fi
  mkdir -p "$dir/bin"
  tar -xzf "$dir/$asset" -C "$dir/bin" harden || return 1
}

# Building from source, when no release binary fits.
install_source() {
  local dir=$1
  local tag=()
  if [ "$version" != latest ]; then
    tag=(--tag "v$version")
  fi
  cargo install --locked --quiet --root "$dir" --git "$repository" ${tag[@]+"${tag[@]}"} harden
}

install() {
  local dir=${RUNNER_TEMP:-${TMPDIR:-/tmp}}/harden-$version
  mkdir -p "$dir"
  if [ -x "$dir/bin/harden" ]; then
    echo "$dir/bin/harden"
    return 0
  fi
  if install_release "$dir" >&2; then
    echo "$dir/bin/harden"
  elif echo "harden: no release binary for this runner; building from source" >&2 &&
    install_source "$dir" >&2; then
    echo "$dir/bin/harden"
  else
    return 1
  fi
}

if [ -n "${HARDEN_BIN:-}" ]; then
  harden=$HARDEN_BIN
else
  harden=$(install) || {
    echo "harden: installation failed" >&2
    exit 2
  }
fi

sarif=${INPUT_SARIF_FILE:-harden.sarif}
read -ra paths <<<"${INPUT_PATH:-.}"
read -ra extra <<<"${INPUT_ARGS:-}"
args=(lint ${paths[@]+"${paths[@]}"})
if [ -n "${INPUT_CONFIG:-}" ]; then
  args+=(--config "$INPUT_CONFIG")
fi
if [ -n "${INPUT_FAIL_ON:-}" ]; then
  args+=(--fail-on "$INPUT_FAIL_ON")
fi
args+=(${extra[@]+"${extra[@]}"} --format "${INPUT_FORMAT:-github}" --format sarif --output "$sarif")

: >"$sarif" 2>/dev/null || true
status=0
"$harden" "${args[@]}" || status=$?
output exit-code "$status"
output sarif-file "$sarif"
if [ -s "$sarif" ]; then
  output sarif-written true
else
  output sarif-written false
fi
exit "$status"
