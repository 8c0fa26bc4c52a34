#!/usr/bin/env bash
# Every C file follows .clang-format (CONVENTIONS.md): prints the files
# that do not and fails, or passes quietly.
set -u
root=${1:?usage: check_format.sh SOURCE_DIR}
cd "$root" || exit 2
command -v clang-format >/dev/null || { echo "clang-format is not installed"; exit 1; }
bad=0
checked=0
while IFS= read -r f; do
    checked=$((checked + 1))
    if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
        echo "not formatted: $f (run clang-format -i $f)"
        bad=$((bad + 1))
    fi
done < <(find core bot intents include tests bench -name '*.[ch]' -not -path '*/corpus/*' | sort)
echo "$((checked - bad)) passed, $bad failed"
[ "$bad" = 0 ]
