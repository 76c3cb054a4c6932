#!/usr/bin/env bash
# Installs the packages built by scripts/package.sh on this machine and checks them the way
# an IT person would (docs/deploy.md): the programs run from their installed paths, doctor says
# what is missing, an order database of an older schema is upgraded with its copy kept beside
# it and every order intact, and purge removes the programs but never the orders. The server:
# its user, directories and unit, a start as its service user answering /healthz, and its
# remove and purge rule.
# Needs root (it installs and purges the package). Usage: scripts/package-check.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${QPOS_PACKAGE_BUILD:-$root/build}
deb=$(ls -1 "$build"/packages/qpos_*.deb | head -n 1)
fail() { echo "package-check: $*" >&2; exit 1; }

for f in /etc/qpos/qpos.ini /etc/qpos/qpos-server.ini /etc/qpos/enrollment-code; do
    [ ! -e "$f" ] || fail "$f exists: run the check on a machine without a qpos configuration"
done
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$deb" >/dev/null
export QT_QPA_PLATFORM=offscreen
work=$(mktemp -d)
# A failed check leaves no package behind either.
trap 'rm -rf "$work"; DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq qpos >/dev/null 2>&1 || true' EXIT
export HOME=$work/home XDG_CONFIG_HOME=$work/home/.config XDG_DATA_HOME=$work/home/.local/share
mkdir -p "$XDG_CONFIG_HOME/qpos" "$XDG_DATA_HOME/qpos"

project_version=$(sed -n 's/^project(qpos VERSION \([0-9.]*\).*/\1/p' "$root/CMakeLists.txt")
version=$(/usr/bin/qpos --version)
[[ "$version" == *"$project_version"* ]] ||
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

# --- qpos-server: its user, directories, unit, a start as the service would do it, removal.
server_deb=$(ls -1 "$build"/packages/qpos-server_*.deb | head -n 1)
unit=/lib/systemd/system/qpos-server.service
conf=/etc/qpos/qpos-server.ini
port=18443
server_pid=
stop_server() {
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
        server_pid=
    fi
}
# The check's own key and certificate go; the database the purge rule keeps goes too, since
# this check made it.
trap 'stop_server; rm -rf "$work"; for p in qpos qpos-server; do DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq "$p" >/dev/null 2>&1 || true; done; rm -f /etc/qpos/check-server.pem /etc/qpos/check-server.key /etc/qpos/qpos.ini /etc/qpos/enrollment-code; rm -rf /var/lib/qpos-server' EXIT
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$server_deb" >"$work/server-install.txt" 2>&1
grep -q "systemctl start qpos-server" "$work/server-install.txt" ||
    fail "the postinst did not say what to do before the server can start"

owner_mode() { stat -c '%U:%G %a' "$1"; }
getent passwd qpos-server | grep -q ':/usr/sbin/nologin$' ||
    fail "no system user qpos-server without a login shell"
[ "$(owner_mode /etc/qpos)" = "root:root 755" ] || fail "/etc/qpos is $(owner_mode /etc/qpos)"
[ "$(owner_mode "$conf")" = "root:root 644" ] || fail "$conf is $(owner_mode "$conf")"
for dir in /var/lib/qpos-server /var/log/qpos-server; do
    [ "$(owner_mode "$dir")" = "qpos-server:qpos-server 750" ] ||
        fail "$dir is $(owner_mode "$dir"), not qpos-server:qpos-server 750"
done
dpkg-query -W -f='${Conffiles}' qpos-server | grep -q "$conf" || fail "$conf is not a conffile"
[ "$(/usr/bin/qpos-server --version)" = "qpos-server $project_version" ] ||
    fail "qpos-server --version printed \"$(/usr/bin/qpos-server --version)\""

# The units as systemd reads them, and the services' exposure (quoted in docs/deploy.md).
reconcile_service=/lib/systemd/system/qpos-server-reconcile.service
reconcile_timer=/lib/systemd/system/qpos-server-reconcile.timer
for u in "$unit" "$reconcile_service" "$reconcile_timer"; do
    [ -f "$u" ] || fail "the package did not install $u"
    systemd-analyze verify --man=no "$u" || fail "systemd-analyze verify refused $u"
done
for u in "$unit" "$reconcile_service"; do
    exposure=$(systemd-analyze security --offline=yes "$u" 2>&1 |
        sed -n 's/.*Overall exposure level for .*: \([0-9.]*\).*/\1/p')
    [ -n "$exposure" ] || fail "systemd-analyze security gave no exposure level for $u"
    awk -v e="$exposure" 'BEGIN { exit !(e <= 1.1) }' ||
        fail "the exposure of $u is $exposure; docs/deploy.md quotes 1.1"
done
grep -qx 'OnCalendar=\*-\*-\* 10:30:00 Asia/Shanghai' "$reconcile_timer" ||
    fail "$reconcile_timer does not run at 10:30 China time"
for u in qpos-server.service qpos-server-reconcile.timer; do
    [ -e "/etc/systemd/system/$(sed -n 's/^WantedBy=//p' "/lib/systemd/system/$u").wants/$u" ] ||
        fail "the package did not enable $u"
done

# A served configuration with an HTTPS key as an administrator leaves it (root's, 0644):
# reconfiguring hands it to the service user, readable by it alone.
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -days 2 \
    -keyout /etc/qpos/check-server.key -out /etc/qpos/check-server.pem 2>/dev/null
chmod 644 /etc/qpos/check-server.key
cat >"$conf" <<CONF
[server]
listen = 127.0.0.1:$port
tls_cert = check-server.pem
tls_key = check-server.key
public_url = https://127.0.0.1:$port

[database]
path = /var/lib/qpos-server/server.db

[log]
dir = /var/log/qpos-server
CONF
DEBIAN_FRONTEND=noninteractive dpkg-reconfigure qpos-server 2>/dev/null
[ "$(owner_mode /etc/qpos/check-server.key)" = "qpos-server:qpos-server 600" ] ||
    fail "the postinst left the HTTPS key $(owner_mode /etc/qpos/check-server.key)"

# No systemd here: the unit's own command line, as its user, with its umask.
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
(umask 077 && exec setpriv --reuid=qpos-server --regid=qpos-server --init-groups --no-new-privs \
    -- $exec_start) >"$work/server.out" 2>&1 &
server_pid=$!
healthy=
for _ in $(seq 50); do
    if [ "$(curl -sk "https://127.0.0.1:$port/healthz" 2>/dev/null)" = ok ]; then
        healthy=yes
        break
    fi
    sleep 0.2
done
[ -n "$healthy" ] || fail "GET /healthz did not answer ok: $(cat "$work/server.out")"
code=$(setpriv --reuid=qpos-server --regid=qpos-server --init-groups -- \
    /usr/bin/qpos-server --config "$conf" terminal add --store S001 --terminal T01)
[[ "$code" == QPOS1-* ]] || fail "terminal add printed no enrollment code"

# --- a provisioned till: debconf answers go into /etc/qpos/qpos.ini where the administrator's
# file is silent, the code waits in /etc/qpos/enrollment-code, doctor says so, and the first
# start enrolls with the running server and consumes the code.
printf '[store]\nname = Check shop\n\n[terminal]\nid = T01\n' >/etc/qpos/qpos.ini
debconf-set-selections <<SELECTIONS
qpos qpos/store_id string S001
qpos qpos/terminal_id string T99
qpos qpos/server_url string https://127.0.0.1:$port
SELECTIONS
printf '%s\n' "$code" >/etc/qpos/enrollment-code
chmod 600 /etc/qpos/enrollment-code
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$deb" >/dev/null
ini=$(cat /etc/qpos/qpos.ini)
grep -qx 'id = S001' <<<"$ini" || fail "the preseeded store id was not written: $ini"
grep -qx 'id = T01' <<<"$ini" && ! grep -q T99 <<<"$ini" ||
    fail "the preseeded terminal id replaced the administrator's: $ini"
grep -qx "url = https://127.0.0.1:$port" <<<"$ini" || fail "the server URL was not written: $ini"
rm -f "$XDG_CONFIG_HOME/qpos/qpos.ini"
set +e
doctor=$(/usr/bin/qposctl doctor 2>&1)
set -e
grep -q "FAIL .*Not enrolled yet: the code in /etc/qpos/enrollment-code" <<<"$doctor" ||
    fail "doctor did not name the waiting enrollment code: $doctor"
grep -q "OK .*The store server https://127.0.0.1:$port answers" <<<"$doctor" ||
    fail "doctor did not reach the code's server: $doctor"
/usr/bin/qpos >"$work/till.out" 2>&1 &
till_pid=$!
enrolled=
for _ in $(seq 150); do
    if [ ! -e /etc/qpos/enrollment-code ] && [ -s "$XDG_DATA_HOME/qpos/store-server-credentials.json" ]; then
        enrolled=yes
        break
    fi
    sleep 0.2
done
kill "$till_pid" 2>/dev/null || true
wait "$till_pid" 2>/dev/null || true
[ -n "$enrolled" ] || fail "the till's first start did not enroll: $(cat "$work/till.out")"
set +e
doctor=$(/usr/bin/qposctl doctor --offline 2>&1)
set -e
grep -q "OK .*Linked to https://127.0.0.1:$port as store S001, terminal T01" <<<"$doctor" ||
    fail "doctor does not see the enrollment: $doctor"
setpriv --reuid=qpos-server --regid=qpos-server --init-groups -- \
    /usr/bin/qpos-server --config "$conf" terminal list | grep -q "^S001	T01	k1	[^	]*	20" ||
    fail "the server did not record the enrollment"
DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq qpos >/dev/null
debconf-show qpos 2>/dev/null | grep -q . && fail "purge left qpos's debconf answers"
stop_server
[ "$(owner_mode /var/lib/qpos-server/server.db)" = "qpos-server:qpos-server 600" ] ||
    fail "the server database is $(owner_mode /var/lib/qpos-server/server.db)"

# remove keeps everything but the programs; purge follows the rule in docs/deploy.md.
DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq qpos-server >/dev/null
[ ! -e /usr/bin/qpos-server ] || fail "remove left /usr/bin/qpos-server"
[ -f "$conf" ] && [ -s /var/lib/qpos-server/server.db ] && [ -d /var/log/qpos-server ] ||
    fail "remove deleted the configuration, the database or the logs"
DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq qpos-server >/dev/null 2>&1
[ ! -e "$conf" ] || fail "purge left the conffile $conf"
[ ! -e /var/log/qpos-server ] || fail "purge left /var/log/qpos-server"
[ -s /var/lib/qpos-server/server.db ] || fail "purge deleted the server database"
[ -f /etc/qpos/check-server.key ] || fail "purge deleted a key file"
getent passwd qpos-server >/dev/null || fail "purge deleted the qpos-server user"
echo "package-check: qpos-server installed, its unit verified (exposure $exposure), served" \
    "/healthz as its user, enrolled a preseeded till on its first start, removed and purged;" \
    "database and keys kept"
