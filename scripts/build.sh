#!/usr/bin/env bash
# Configures and builds qpos. Usage: scripts/build.sh [--sanitize] [--build-dir DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="$root/build"
sanitize=OFF
extra=()
while [ $# -gt 0 ]; do
    case "$1" in
        # Unoptimised: the sanitizers find the same faults, the build takes far less time, and
        # the benchmarks (never run by the tests) are left out.
        --sanitize) sanitize=ON; build="$root/build-sanitize"
                    extra=(-DCMAKE_BUILD_TYPE=Debug -DQPOS_BUILD_BENCH=OFF) ;;
        --build-dir) build="$2"; shift ;;
        *) echo "build: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
jobs=$(nproc 2>/dev/null || echo 2)
# ccache keys on paths relative to the source root, so another clone reuses the same cache.
export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=1
# Three build trees (release, sanitizers, fuzzing) outgrow ccache's default 5 GB.
export CCACHE_MAXSIZE="${CCACHE_MAXSIZE:-15G}"
cmake -S "$root" -B "$build" -G Ninja -DQPOS_SANITIZE="$sanitize" "${extra[@]}" >/dev/null
cmake --build "$build" -j "$jobs"
echo "$build"
