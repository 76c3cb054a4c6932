#!/usr/bin/env bash
# Installs the Debian 12 packages qpos needs to build, test and run. Idempotent: packages
# already present are left alone, and apt is not touched when nothing is missing.
# Usage: scripts/install-deps.sh [--packaging]   (--packaging: also what scripts/package.sh
# needs to check the packages)
set -euo pipefail

packages=(
    # build
    cmake ninja-build g++ pkg-config git ccache
    qt6-base-dev qt6-base-dev-tools qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
    qt6-charts-dev libqt6opengl6-dev qt6-httpserver-dev qt6-websockets-dev libgl-dev
    libssl-dev libqrencode-dev libsqlite3-dev
    # Alipay bills: zip archives (libzip) of CSV files (libcsv)
    libzip-dev libcsv-dev
    # WeChat Pay bills may come gzip-compressed (zlib)
    zlib1g-dev
    # run
    libqt6sql6-sqlite qt6-translations-l10n fonts-noto-cjk
    # tests and benchmarks: the sqlite3 and openssl shells as baselines, zbar to read QR codes
    sqlite3 openssl zbar-tools clang-format
    # qpos-server on PostgreSQL: Qt's QPSQL driver, and PostgreSQL 15 for the throwaway
    # clusters the server tests start (initdb and pg_ctl under /usr/lib/postgresql/15/bin)
    libqt6sql6-psql postgresql-15
    # [database] url is read by libpq's own URI parser
    libpq-dev
    # fuzzing (scripts/fuzz.sh): clang with libFuzzer and the sanitizer runtimes
    clang-14 libclang-rt-14-dev
)
if [ "${1:-}" = "--packaging" ]; then
    # scripts/package.sh: Debian's package checker and the desktop and AppStream validators;
    # scripts/package-check.sh: systemd-analyze, curl for /healthz (debconf-set-selections
    # comes with debconf); scripts/upgrade-check.sh: jq to compare the orders
    packages+=(lintian desktop-file-utils appstream systemd curl jq)
fi

# PostgreSQL refuses to run as root: the server tests run their throwaway cluster as this
# unprivileged system user when they are run as root (CI).
ensure_test_user() {
    if [ "$(id -u)" -eq 0 ] && ! id qpos-test >/dev/null 2>&1; then
        useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin \
            qpos-test
    fi
}

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
        missing+=("$p")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    ensure_test_user
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO=sudo
    else
        echo "install-deps: these Debian packages are missing: ${missing[*]}" >&2
        echo "install-deps: run this script as root (or install them) and try again." >&2
        exit 1
    fi
else
    SUDO=
fi

echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
ensure_test_user
