# Shared by tests/cli/test_*.sh: run the real deskbot binary and check its
# output, exit code and effects. Each test gets a fresh directory.
set -u
DESKBOT=${1:?usage: test_x.sh path/to/deskbot}
WORK=$(mktemp -d "${HD_TEST_TMP:-/tmp}/cli.XXXXXX" 2>/dev/null || mktemp -d)
export DESKBOT_DB="$WORK/desk.db"
unset DESKBOT_CONFIG
cd "$WORK"
failures=0
passed=0

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
ok() { passed=$((passed + 1)); }

# expect CODE NEEDLE -- command...: exit code CODE and NEEDLE in stdout+stderr.
expect() {
    local code=$1 needle=$2; shift 3
    local out rc
    out=$("$@" 2>&1); rc=$?
    if [ "$rc" != "$code" ]; then
        fail "'$*' exited $rc, want $code; output: $out"
    elif [ -n "$needle" ] && ! grep -qF -- "$needle" <<<"$out"; then
        fail "'$*' output lacks '$needle': $out"
    else
        ok
    fi
    LAST="$out"
}

# one_line: stderr of a failing command is exactly one line.
one_line() {
    local err
    err=$("$@" 2>&1 >/dev/null)
    if [ "$(printf '%s\n' "$err" | wc -l)" != 1 ]; then fail "'$*' stderr is not one line: $err"; else ok; fi
}

finish() {
    rm -rf "$WORK"
    echo "$passed passed, $failures failed"
    [ "$failures" = 0 ]
}
