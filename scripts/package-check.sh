#!/usr/bin/env bash
# Installs the till package built by scripts/package.sh on this machine and checks it the way
# an IT person would (docs/deploy.md): the programs run from their installed paths, doctor says
# what is missing, an order database of an older schema is upgraded with its copy kept beside
# it and every order intact, and purge removes the programs but never the orders.
# Needs root (it installs and purges the package). Usage: scripts/package-check.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${QPOS_PACKAGE_BUILD:-$root/build}
deb=$(ls -1 "$build"/packages/qpos_*.deb | head -n 1)
fail() { echo "package-check: $*" >&2; exit 1; }

DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$deb" >/dev/null
export QT_QPA_PLATFORM=offscreen
work=$(mktemp -d)
# A failed check leaves no package behind either.
trap 'rm -rf "$work"; DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq qpos >/dev/null 2>&1 || true' EXIT
export HOME=$work/home XDG_CONFIG_HOME=$work/home/.config XDG_DATA_HOME=$work/home/.local/share
mkdir -p "$XDG_CONFIG_HOME/qpos" "$XDG_DATA_HOME/qpos"

version=$(/usr/bin/qpos --version)
[[ "$version" == *"$(sed -n 's/^project(qpos VERSION \([0-9.]*\).*/\1/p' "$root/CMakeLists.txt")"* ]] ||
    fail "qpos --version printed \"$version\""
/usr/bin/qposctl --version >/dev/null

# An unconfigured terminal: doctor must fail and name what to set.
set +e
doctor=$(/usr/bin/qposctl doctor --offline 2>&1)
status=$?
set -e
[ "$status" -ne 0 ] || fail "doctor passed on an unconfigured terminal"
grep -q "\[terminal\] id" <<<"$doctor" || fail "doctor did not name [terminal] id: $doctor"

# The order database an older version left behind (schema 4), upgraded by the installed
# qposctl on first use.
db=$XDG_DATA_HOME/qpos/orders.db
sqlite3 "$db" <"$root/tests/data/orders_schema_v4.sql"
printf '[store]\nid = S001\n[terminal]\nid = T01\n' >"$XDG_CONFIG_HOME/qpos/qpos.ini"
orders=$(/usr/bin/qposctl orders --from 2026-11-01 --to 2026-11-30 --json)
grep -q '"count":3,' <<<"$orders" || fail "expected the 3 orders of schema 4, got: $orders"
ls "$db".*.schema4.bak >/dev/null 2>&1 || fail "no copy of the schema 4 database was kept"
/usr/bin/qposctl order S001_T01_20261123_00000001 --json | grep -q '"state":"paid"' ||
    fail "the paid order of schema 4 is not paid after the upgrade"

DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq qpos >/dev/null
[ ! -e /usr/bin/qpos ] || fail "purge left /usr/bin/qpos"
[ -s "$db" ] || fail "purge removed the order database"
echo "package-check: installed, upgraded an order database of schema 4, purged; orders kept"
