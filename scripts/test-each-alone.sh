#!/usr/bin/env bash
# Runs every test of the given test files on its own (node --test-name-pattern), to show that no test
# needs what an earlier test of its file left behind. Uses the same environment as npm test
# (TEST_DATABASE_URL, TEST_REDIS_URL). Example:
#   bash scripts/test-each-alone.sh app/nadooit_api/rest.test.ts app/nadooit_os/bookings.test.ts
set -uo pipefail
cd "$(dirname "$0")/.."
[ "$#" -gt 0 ] || { echo "usage: $0 <test files…>" >&2; exit 2; }
failed=0
for file in "$@"; do
  mapfile -t names < <(node --import tsx --test --test-reporter=./test/support/test-names.mjs "$file" 2>/dev/null | cut -f2 | sort -u)
  [ "${#names[@]}" -gt 0 ] || { echo "✖ $file: no tests found (does the file pass as a whole?)"; failed=1; continue; }
  for name in "${names[@]}"; do
    pattern="^$(printf '%s' "$name" | sed 's/[][\.*^$?+(){}|/]/\\&/g')\$"
    out=$(node --import tsx --test --test-reporter=spec --test-name-pattern="$pattern" "$file" 2>&1)
    if [ $? -eq 0 ] && grep -q "^ℹ pass [1-9]" <<<"$out"; then
      echo "✔ $file: $name"
    else
      echo "✖ $file: $name"; echo "$out" | grep -v "^ *✔\|^ *﹣" | tail -30; failed=1
    fi
  done
done
exit "$failed"
