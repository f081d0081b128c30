#!/usr/bin/env bash
# Writes tests/fixtures/assess/ again from this build: demo data (150 contacts, seed 7,
# today 2026-11-24), then `today --all`, `suggest --all` and `list` as JSON at three dates.
# Only for a change to the review, the ranking or the demo that is meant: read the diff
# (`git diff tests/fixtures/assess`) by eye before committing it.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
export TIES_DB="$dir/ties.db" TIES_CONFIG="$dir/none.toml"
touch "$TIES_CONFIG"
ties=target/debug/ties
"$ties" --today 2026-11-24 demo --contacts 150 --seed 7 >/dev/null
for d in 2026-11-24 2027-01-10 2027-06-30; do
  "$ties" --today "$d" --json today --all >"tests/fixtures/assess/today-$d.json"
  "$ties" --today "$d" --json suggest --all >"tests/fixtures/assess/suggest-$d.json"
  "$ties" --today "$d" --json list >"tests/fixtures/assess/list-$d.json"
done
echo "written: tests/fixtures/assess (review the diff)"
