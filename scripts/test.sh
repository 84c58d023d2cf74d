#!/usr/bin/env bash
# The project's test command: typecheck, XSS scan of the JSX, then every test file on every backend
# that is configured (SQLite always; PostgreSQL with TEST_DATABASE_URL; Redis with TEST_REDIS_URL).
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== typecheck"
npx tsc --noEmit -p .
echo "== xss-scan"
npx xss-scan
backends="sqlite"
[ -n "${TEST_DATABASE_URL:-}" ] && backends="$backends, postgres"
[ -n "${TEST_REDIS_URL:-}" ] && backends="$backends, redis"
echo "== tests (backends: $backends)"
mapfile -t files < <(find app test -name '*.test.ts' -o -name '*.test.tsx' | grep -v node_modules | sort)
if [ "${#files[@]}" -eq 0 ]; then echo "no test files found" >&2; exit 1; fi
exec node --import tsx --test --test-reporter=spec --test-concurrency="${TEST_CONCURRENCY:-2}" --test-timeout="${TEST_TIMEOUT_MS:-300000}" "${files[@]}"
