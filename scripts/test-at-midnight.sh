#!/usr/bin/env bash
# Runs test files with the clock set to 23:59:59 on 31 December in Berlin (22:59:59 UTC; CET is UTC+1), so
# every test process starts one second before New Year and crosses midnight while it runs: a test that
# reads the wall clock's date ("today", "this month", "this year") fails here. Uses faketime from Debian
# (apt-get install -y faketime); timers keep the real monotonic clock, and Chromium the real time (it
# stalls under libfaketime). Same environment as npm test (TEST_DATABASE_URL, TEST_REDIS_URL); the
# PostgreSQL server's own clock is not shifted.
#   bash scripts/test-at-midnight.sh                      # every test file
#   bash scripts/test-at-midnight.sh app/nadooit_os/*.test.ts
#   FAKE_TIME='2026-12-31 22:59:30 UTC' bash scripts/test-at-midnight.sh …   # start 30 s before midnight
set -euo pipefail
cd "$(dirname "$0")/.."
command -v faketime >/dev/null || { echo "faketime is missing: apt-get install -y faketime" >&2; exit 2; }
if [ "$#" -gt 0 ]; then files=("$@"); else mapfile -t files < <(find app test -name '*.test.ts' -o -name '*.test.tsx' | grep -v node_modules | sort); fi
export FAKETIME_DONT_FAKE_MONOTONIC=1
exec faketime "${FAKE_TIME:-2026-12-31 22:59:59 UTC}" node --import tsx --test --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=./test/support/slowest-files.mjs --test-reporter-destination=stdout \
  --test-concurrency="${TEST_CONCURRENCY:-2}" --test-timeout="${TEST_TIMEOUT_MS:-300000}" "${files[@]}"
