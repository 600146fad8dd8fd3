#!/usr/bin/env bash
# Fails when a tracked C++ file is not clang-formatted (.clang-format at the root). `--fix` formats them instead.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files '*.cpp' '*.h' '*.cc' '*.hpp')
if [ "${1:-}" = "--fix" ]; then
    clang-format -i "${files[@]}"
    exit 0
fi
if ! out=$(clang-format --dry-run -Werror "${files[@]}" 2>&1); then
    printf '%s\n' "$out" | grep -E "^[^ ].*: (error|warning):" | cut -d: -f1 | sort -u | sed 's/^/not formatted: /'
    echo "run scripts/check-format.sh --fix"
    exit 1
fi
echo "check-format: ${#files[@]} files clean"
