#!/usr/bin/env bash
# Installs what is missing, builds, and starts the till on its embedded sandbox shop:
# simulated Alipay and WeChat Pay, generated keys, a demo store, and a store server in-process
# that pushes payment results to the till. No account, no network.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
build=$("$root/scripts/build.sh" | tail -n 1)
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
    echo "run-demo: no desktop session (DISPLAY is not set). Run this from a desktop terminal," >&2
    echo "run-demo: or set QT_QPA_PLATFORM=offscreen to start it without a screen." >&2
    exit 1
fi
exec "$build/app/qpos" --sandbox "$@"
