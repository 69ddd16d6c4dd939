#!/usr/bin/env bash
# `npm run bench`: makes sure the tools are there, builds Larder, runs the side-by-side harness.
# Settings come from the environment (BENCH_QUICK=1, BENCH_PIN=0 ...): see bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."

# command -> Debian package that provides it
declare -A PACKAGE_FOR=([wrk]=wrk [redis-server]=redis-server [redis-benchmark]=redis-tools [webdis]=webdis [taskset]=util-linux)
missing=()
for tool in "${!PACKAGE_FOR[@]}"; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("${PACKAGE_FOR[$tool]}")
done
if ((${#missing[@]} > 0)); then
  if [[ $(id -u) -ne 0 ]] && ! command -v sudo >/dev/null 2>&1; then
    echo "bench: missing ${missing[*]}; install them (Debian: apt-get install -y ${missing[*]}) or run as root" >&2
    exit 1
  fi
  echo "bench: installing ${missing[*]} from Debian" >&2
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

[[ -d node_modules ]] || npm ci --no-audit --no-fund
npm run --silent build >&2

# exec: the harness gets Ctrl-C / SIGTERM itself and stops every server it started, by PID.
exec node --import tsx bench/main.ts
