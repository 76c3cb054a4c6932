#!/usr/bin/env bash
# Upgrades over the previous release's packages, as a shop does (docs/deploy.md, "Upgrades"):
# builds the release named in packaging/previous-release from this repository's history,
# installs its qpos and qpos-server packages, takes payments with its qposctl (on the demo
# shop's providers) and enrolls a terminal on its server, then installs this build's packages
# over them and checks that every order and the terminal are intact, with a copy of the order
# database kept when its schema changed. Then purges both and checks the data rule.
# Needs root and the packages of scripts/package.sh. Usage: scripts/upgrade-check.sh
# Environment: QPOS_PACKAGE_BUILD (this build, default build), QPOS_PREVIOUS_BUILD (where the
# previous release is built, default build-previous-release).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${QPOS_PACKAGE_BUILD:-$root/build}
previous_build=${QPOS_PREVIOUS_BUILD:-$root/build-previous-release}
fail() { echo "upgrade-check: $*" >&2; exit 1; }

read -r previous_version previous_commit < <(grep -v '^#' "$root/packaging/previous-release")
project_version=$(sed -n 's/^project(qpos VERSION \([0-9.]*\).*/\1/p' "$root/CMakeLists.txt")
dpkg --compare-versions "$project_version" gt "$previous_version" ||
    fail "this build is $project_version, not newer than the previous release $previous_version"
deb=$(ls -1 "$build"/packages/qpos_"$project_version"_*.deb 2>/dev/null | head -n 1)
server_deb=$(ls -1 "$build"/packages/qpos-server_"$project_version"_*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] && [ -n "$server_deb" ] ||
    fail "no $project_version packages in $build/packages: run scripts/package.sh first"
git -C "$root" cat-file -e "$previous_commit^{commit}" 2>/dev/null ||
    fail "commit $previous_commit (release $previous_version) is not in this clone; clone the" \
        "repository with its history (not --depth) and run again"
for f in /etc/qpos/qpos.ini /etc/qpos/qpos-server.ini /usr/bin/qpos /usr/bin/qpos-server \
    /var/lib/qpos-server; do
    [ ! -e "$f" ] || fail "$f exists: run the check on a machine without qpos installed"
done

# The previous release, built from its own source as it was released, laid out as this tree
# is (the source, and build/ in it): ccache keys on paths relative to the build directory, so
# the files the two releases share come from the cache.
mkdir -p "$previous_build"
find "$previous_build" -mindepth 1 -maxdepth 1 ! -name build -exec rm -rf {} +
git -C "$root" archive "$previous_commit" | tar -x -C "$previous_build"
export CCACHE_BASEDIR="$previous_build" CCACHE_NOHASHDIR=1 CCACHE_MAXSIZE="${CCACHE_MAXSIZE:-15G}"
cmake -S "$previous_build" -B "$previous_build/build" -G Ninja -DCMAKE_INSTALL_PREFIX=/usr \
    -DQPOS_BUILD_TESTS=OFF -DQPOS_BUILD_BENCH=OFF >/dev/null
cmake --build "$previous_build/build" -j "$(nproc 2>/dev/null || echo 2)" >/dev/null
packages=$previous_build/build/packages
rm -rf "$packages"
(cd "$previous_build/build" && cpack -G DEB -B "$packages" >/dev/null)
old_deb=$(ls -1 "$packages"/qpos_"$previous_version"_*.deb | head -n 1)
old_server_deb=$(ls -1 "$packages"/qpos-server_"$previous_version"_*.deb | head -n 1)

work=$(mktemp -d)
cleanup() {
    for p in qpos qpos-server; do
        DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq "$p" >/dev/null 2>&1 || true
    done
    rm -rf "$work" /var/lib/qpos-server
    rm -f /etc/qpos/upgrade-check-server.ini
}
trap cleanup EXIT
export QT_QPA_PLATFORM=offscreen
export HOME=$work/home XDG_CONFIG_HOME=$work/home/.config XDG_DATA_HOME=$work/home/.local/share
mkdir -p "$XDG_CONFIG_HOME" "$XDG_DATA_HOME"
install_deb() { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --allow-downgrades "$1" >/dev/null; }
installed_version() { dpkg-query -W -f='${Version}' "$1"; }

# --- the till: payments taken by the previous release.
install_deb "$old_deb"
[ "$(installed_version qpos)" = "$previous_version" ] ||
    fail "the previous release did not install: qpos is $(installed_version qpos)"
echo 284567890123456789 | /usr/bin/qposctl --sandbox charge --code - --amount 25.00 >/dev/null ||
    fail "the previous release could not take an Alipay payment"
echo 134567890123456789 | /usr/bin/qposctl --sandbox charge --code - --amount 8.88 >/dev/null ||
    fail "the previous release could not take a WeChat Pay payment"
# A QR order the buyer never paid stays open for recovery.
/usr/bin/qposctl --sandbox charge --channel alipay --amount 12.34 >/dev/null ||
    fail "the previous release could not issue a QR code"
db=$XDG_DATA_HOME/qpos/sandbox-orders.db
[ -s "$db" ] || fail "the previous release wrote no order database at $db"
today=$(TZ=Asia/Shanghai date +%F)
# What an upgrade must keep of each order, sorted by number.
orders() {
    /usr/bin/qposctl --sandbox orders --from "$today" --to "$today" --json |
        jq -S '[.orders[] | {out_trade_no, channel, state, amount_fen, refunded_fen,
                             provider_trade_no, paid_at_ms, created_at_ms}]
               | sort_by(.out_trade_no)'
}
before=$(orders)
[ "$(jq length <<<"$before")" = 3 ] || fail "expected 3 orders before the upgrade: $before"
old_schema=$(sqlite3 "$db" 'PRAGMA user_version')

# --- the server: a terminal enrolled by the previous release.
install_deb "$old_server_deb"
# The check's own configuration beside the package's conffile, which stays untouched.
conf=/etc/qpos/upgrade-check-server.ini
cat >"$conf" <<CONF
[server]
listen = 127.0.0.1:18444
public_url = http://127.0.0.1:18444

[database]
path = /var/lib/qpos-server/server.db

[log]
dir = /var/log/qpos-server
CONF
as_server() { setpriv --reuid=qpos-server --regid=qpos-server --init-groups -- "$@"; }
code=$(as_server /usr/bin/qpos-server --config "$conf" terminal add --store S001 --terminal T01)
[[ "$code" == QPOS1-* ]] || fail "the previous server printed no enrollment code"
terminals_before=$(as_server /usr/bin/qpos-server --config "$conf" terminal list | cut -f1-4)

# --- this build over them.
install_deb "$deb"
install_deb "$server_deb"
[ "$(installed_version qpos)" = "$project_version" ] || fail "qpos was not upgraded"
[ "$(installed_version qpos-server)" = "$project_version" ] || fail "qpos-server was not upgraded"
[ "$(/usr/bin/qpos --version | grep -o '[0-9][0-9.]*' | head -n 1)" = "$project_version" ] ||
    fail "the upgraded qpos says $(/usr/bin/qpos --version)"
after=$(orders)
[ "$before" = "$after" ] || fail "orders changed across the upgrade: before $before, after $after"
new_schema=$(sqlite3 "$db" 'PRAGMA user_version')
if [ "$new_schema" != "$old_schema" ]; then
    ls "$db".*.schema"$old_schema".bak >/dev/null 2>&1 ||
        fail "the schema went from $old_schema to $new_schema with no copy of the database kept"
fi
# The upgraded till goes on selling on the same database.
echo 284567890123456789 | /usr/bin/qposctl --sandbox charge --code - --amount 1.00 >/dev/null ||
    fail "the upgraded till could not take a payment"
[ "$(orders | jq length)" = 4 ] || fail "the upgraded till's payment is not in the database"
terminals_after=$(as_server /usr/bin/qpos-server --config "$conf" terminal list | cut -f1-4)
[ "$terminals_before" = "$terminals_after" ] ||
    fail "the server's terminals changed: before $terminals_before, after $terminals_after"

# --- removal: the programs go, the orders and the server's database stay (docs/deploy.md).
DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq qpos qpos-server >/dev/null
[ ! -e /usr/bin/qpos ] && [ ! -e /usr/bin/qpos-server ] || fail "purge left the programs"
[ -s "$db" ] || fail "purge removed the order database"
[ -s /var/lib/qpos-server/server.db ] || fail "purge removed the server's database"
echo "upgrade-check: $previous_version ($previous_commit) upgraded to $project_version:" \
    "3 orders (schema $old_schema -> $new_schema) and the enrolled terminal intact; purged," \
    "data kept"
