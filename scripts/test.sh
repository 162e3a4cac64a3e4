#!/usr/bin/env bash
# The whole test suite: the PWA's unit tests, then pytest on SQLite (with the protocol conformance
# suite and the Chromium end-to-end tests), then the server tests again on a throwaway PostgreSQL.
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test || exit 1
status=0

if [ -f pwa/package.json ]; then
  echo "== pwa unit tests"
  (cd pwa && npm test) || status=1
fi
if [ -f console/package.json ]; then
  echo "== console unit tests"
  (cd console && npm test) || status=1
fi

echo "== pytest on SQLite"
.venv/bin/python -m pytest -q -p no:cacheprovider tests || status=1

echo "== pytest on PostgreSQL"
url=$(scripts/pg.sh start) || exit 1
pgdir=${url##*host=}
trap 'scripts/pg.sh stop "$pgdir"' EXIT
TEST_DATABASE_URL="$url" .venv/bin/python -m pytest -q -p no:cacheprovider tests/server || status=1

exit $status
