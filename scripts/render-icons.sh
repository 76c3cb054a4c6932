#!/usr/bin/env bash
# Renders the app icon (packaging/icons/io.github.qpos.Qpos.svg) to the PNG sizes the package
# ships. Run it after changing the SVG and commit the PNGs: the build does not render them.
# Needs rsvg-convert (Debian librsvg2-bin).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if ! command -v rsvg-convert >/dev/null; then
    echo "render-icons: rsvg-convert is missing; install it with: apt-get install librsvg2-bin" >&2
    exit 1
fi
for size in 48 64 128 256; do
    rsvg-convert -w "$size" -h "$size" "$root/packaging/icons/io.github.qpos.Qpos.svg" \
                 -o "$root/packaging/icons/qpos-$size.png"
done
