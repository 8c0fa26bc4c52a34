#!/usr/bin/env bash
# Shared set-up for scripts/run.sh and scripts/test.sh: installs the Debian
# packages deskbot needs (only those missing, so it is idempotent), then
# configures and builds one build directory.
#
#   scripts/setup.sh packages [extra packages...]
#   scripts/setup.sh build DIR [cmake options...]
set -euo pipefail

say() { printf '==> %s\n' "$*"; }

# What the build and the tests use on a fresh Debian 12.
base_packages=(build-essential cmake ninja-build pkg-config git ca-certificates tzdata
               libsqlite3-dev libjansson-dev libwebsockets-dev libcurl4-openssl-dev libssl-dev libev-dev)

packages() {
    local missing=() p
    for p in "${base_packages[@]}" "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
            missing+=("$p")
    done
    if [ ${#missing[@]} -eq 0 ]; then
        say "system packages present"
        return 0
    fi
    say "installing: ${missing[*]}"
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || { echo "need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
        sudo=(sudo)
    fi
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get update -qq
    "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

build() {
    local dir=$1; shift
    say "configuring $dir $*"
    cmake -S . -B "$dir" -G Ninja "$@" >/dev/null
    say "building $dir"
    cmake --build "$dir" --parallel "$(nproc)"
}

cd "$(dirname "$0")/.."
cmd=$1; shift
"$cmd" "$@"
