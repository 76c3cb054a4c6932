#!/usr/bin/env bash
# Builds the Debian packages from one install tree and checks them (docs/deploy.md):
# lintian (warnings fail too), desktop-file-validate and appstreamcli validate.
# Usage: scripts/package.sh            -> the .deb files in build/packages/
# Environment: QPOS_PACKAGE_BUILD (build directory, default build, the tests' own).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${QPOS_PACKAGE_BUILD:-$root/build}
"$root/scripts/install-deps.sh" --packaging
# The tests' own build directory: the packages hold the binaries the tests ran. /usr gives
# Debian's layout, with the multiarch library directory (packaging/CMakeLists.txt).
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_INSTALL_PREFIX=/usr >/dev/null
"$root/scripts/build.sh" --build-dir "$build" >/dev/null
rm -rf "$build/packages"
(cd "$build" && cpack -G DEB -B "$build/packages" >/dev/null)
rm -rf "$build/packages/_CPack_Packages"

desktop-file-validate "$root"/packaging/*.desktop
appstreamcli validate --no-net "$root"/packaging/*.metainfo.xml
# An override, if ever needed, ships in the package (usr/share/lintian/overrides) with its
# reason beside it.
lintian --fail-on error,warning \
        "$build"/packages/*.deb
ls -1 "$build"/packages/*.deb
