#!/usr/bin/env bash
# Quick start, command 2: install what is missing, then build and run the
# whole test suite twice: a normal build (gcc, -Werror) and a sanitizer
# build (clang, AddressSanitizer + UndefinedBehaviorSanitizer, -Werror) that
# also runs the libFuzzer targets for a bounded time.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh packages clang libclang-rt-14-dev clang-format jq sqlite3 curl chromium
# The browser test's driver: Node.js and npm from Debian unless the machine has them.
command -v npm >/dev/null || scripts/setup.sh packages nodejs npm
echo "==> installing the browser test's npm packages (tests/browser)"
npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error

scripts/setup.sh build build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHD_WERROR=ON
echo "==> testing build (gcc)"
ctest --test-dir build --output-on-failure --parallel 2 --timeout 300

CC=clang scripts/setup.sh build build-asan -DCMAKE_BUILD_TYPE=Debug -DHD_WERROR=ON \
    -DHD_ASAN=ON -DHD_UBSAN=ON -DHD_FUZZ=ON
echo "==> testing build-asan (clang, ASan + UBSan, fuzzers)"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp \
    ctest --test-dir build-asan --output-on-failure --parallel 2 --timeout 600
echo "==> all tests passed"
