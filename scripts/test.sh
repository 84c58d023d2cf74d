#!/usr/bin/env bash
# The project's test command: typecheck, XSS scan of the JSX, then every test file on every backend
# that is configured (SQLite always; PostgreSQL with TEST_DATABASE_URL; Redis with TEST_REDIS_URL). Suites
# whose server is not configured show up as skipped; with CI=true a missing URL is an error.
set -euo pipefail
cd "$(dirname "$0")/.."
backends="sqlite"
missing=()
if [ -n "${TEST_DATABASE_URL:-}" ]; then backends="$backends, postgres"; else missing+=(TEST_DATABASE_URL); fi
if [ -n "${TEST_REDIS_URL:-}" ]; then backends="$backends, redis"; else missing+=(TEST_REDIS_URL); fi
if [ "${#missing[@]}" -gt 0 ]; then
  # On CI every suite must run: refuse before starting. Elsewhere the suites that need the missing servers
  # are reported as skipped, with the reason (test/support/harness.ts describeWith).
  case "${CI:-}" in
    ""|0|false) echo "== not set: ${missing[*]} — the suites that need them are reported as skipped" ;;
    *) echo "CI=${CI}: ${missing[*]} not set; on CI the PostgreSQL and Redis suites must run" >&2; exit 1 ;;
  esac
fi
echo "== typecheck"
npx tsc --noEmit -p .
echo "== xss-scan"
npx xss-scan
echo "== tests (backends: $backends)"
mapfile -t files < <(find app test -name '*.test.ts' -o -name '*.test.tsx' | grep -v node_modules | sort)
if [ "${#files[@]}" -eq 0 ]; then echo "no test files found" >&2; exit 1; fi
# spec for the results; slowest-files.mjs prints the 15 slowest files at the end (TEST_DURATIONS_FILE: all, as JSON).
exec node --import tsx --test --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=./test/support/slowest-files.mjs --test-reporter-destination=stdout --test-concurrency="${TEST_CONCURRENCY:-2}" --test-timeout="${TEST_TIMEOUT_MS:-300000}" "${files[@]}"
