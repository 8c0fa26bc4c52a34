#!/usr/bin/env bash
# Quick start, command 1: install what is missing, build, and start the
# service on its embedded defaults (database var/deskbot.db with the sample
# knowledge base and users). Extra arguments go to `deskbot run`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh packages
scripts/setup.sh build build -DCMAKE_BUILD_TYPE=RelWithDebInfo
echo "==> starting: build/deskbot run $*"
exec build/deskbot run "$@"
