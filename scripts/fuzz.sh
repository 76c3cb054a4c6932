#!/usr/bin/env bash
# Builds the libFuzzer harnesses (QPOS_FUZZ=ON, clang, ASan + UBSan) in build-fuzz and runs
# each one on its seed corpus (tests/fuzz/corpus/<harness>) and regression inputs
# (tests/fuzz/regressions/<harness>), one after the other. New inputs go to a scratch corpus
# in the build directory, never into the repository; crashes and failed properties are saved
# under the findings directory. Exits non-zero when any harness found something.
# Usage: scripts/fuzz.sh [SECONDS] [HARNESS...]   (60 seconds each, every harness by default)
# Environment: QPOS_FUZZ_BUILD (build directory), QPOS_FUZZ_FINDINGS (findings directory),
# QPOS_FUZZ_TIMEOUT (seconds one input may take before it counts as a hang; default 30 — raise
# it for long runs on a loaded machine, where a starved process trips it, see docs/fuzzing.md).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-60}
[ $# -gt 0 ] && shift
case "$seconds" in
    ''|*[!0-9]*) echo "fuzz: SECONDS must be a whole number, not \"$seconds\"" >&2; exit 2 ;;
esac
build=${QPOS_FUZZ_BUILD:-$root/build-fuzz}
findings=${QPOS_FUZZ_FINDINGS:-$build/findings}
timeout=${QPOS_FUZZ_TIMEOUT:-30}
case "$timeout" in
    ''|*[!0-9]*) echo "fuzz: QPOS_FUZZ_TIMEOUT must be a whole number, not \"$timeout\"" >&2; exit 2 ;;
esac
scratch=$build/fuzz-scratch
logs=$build/fuzz-logs

"$root/scripts/install-deps.sh"
export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=1
# Three build trees (release, sanitizers, fuzzing) outgrow ccache's default 5 GB.
export CCACHE_MAXSIZE="${CCACHE_MAXSIZE:-15G}"
cmake -S "$root" -B "$build" -G Ninja -DQPOS_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++-14 \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j "$(nproc 2>/dev/null || echo 2)"

if [ $# -gt 0 ]; then
    harnesses=("$@")
else
    mapfile -t harnesses < <(cd "$root/tests/fuzz/corpus" && ls -1)
fi

export QT_QPA_PLATFORM=offscreen QT_LOGGING_RULES='*.debug=false'
# Leaks inside one input are findings too; the process's own caches at exit are not.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$root/tests/fuzz/lsan.supp}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

mkdir -p "$findings" "$scratch" "$logs"
total=0
failed=()
printf '%-22s %8s %12s  %s\n' harness seconds executions result
for h in "${harnesses[@]}"; do
    binary=$build/tests/fuzz/fuzz_$h
    if [ ! -x "$binary" ]; then
        echo "fuzz: no harness named $h (expected $binary)" >&2
        exit 2
    fi
    mkdir -p "$scratch/$h" "$findings/$h"
    inputs=("$scratch/$h" "$root/tests/fuzz/corpus/$h")
    [ -d "$root/tests/fuzz/regressions/$h" ] && inputs+=("$root/tests/fuzz/regressions/$h")
    log=$logs/$h.log
    start=$(date +%s)
    result=ok
    if ! "$binary" -max_total_time="$seconds" -timeout="$timeout" -rss_limit_mb=2560 \
            -print_final_stats=1 -artifact_prefix="$findings/$h/" "${inputs[@]}" >"$log" 2>&1; then
        result="FOUND SOMETHING: see $log and $findings/$h"
        failed+=("$h")
    fi
    elapsed=$(( $(date +%s) - start ))
    execs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | tail -n 1 | awk '{print $2}')
    execs=${execs:-0}
    total=$((total + execs))
    printf '%-22s %8s %12s  %s\n' "$h" "$elapsed" "$execs" "$result"
done
printf '%-22s %8s %12s\n' total "" "$total"
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz: findings in ${failed[*]}; add each input to tests/fuzz/regressions/<harness>/" >&2
    exit 1
fi
