#!/usr/bin/env bash
# Whole-process timings of `ties sync` on a demo book (BENCHMARKS.md, "Two machines"):
# the first sync, an empty book joining, a few changes sent and received, and a sync
# with nothing to do; each with its phases (TIES_SYNC_TIMES=1) and peak RSS.
#   scripts/sync-bench.sh [CONTACTS]     (default 10000)
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-10000}"
cargo build --release --quiet
ties="$PWD/target/release/ties"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/folder"
export TIES_TODAY=2026-11-24
run() { # label, db, then the rest of the command
  local label="$1" db="$2"; shift 2
  echo "== $label"
  TIES_SYNC_TIMES=1 /usr/bin/time -f "   total %e s, peak RSS %M KB" "$ties" --db "$db" "$@" >/dev/null
}
"$ties" --db "$work/a.db" demo --contacts "$n" --seed 1 >/dev/null
echo "book: $n contacts, $(du -h "$work/a.db" | cut -f1) before its first sync"
run "first sync ($n contacts)" "$work/a.db" sync "$work/folder"
run "an empty book joins" "$work/b.db" sync "$work/folder"
run "the first takes the second's file" "$work/a.db" sync "$work/folder"
for i in 1 2 3; do "$ties" --db "$work/a.db" log "#$((100 + i))" call >/dev/null; done
"$ties" --db "$work/a.db" edit "#200" --company "Incremental Co" >/dev/null
run "four changes sent" "$work/a.db" sync "$work/folder"
run "four changes received" "$work/b.db" sync "$work/folder"
run "nothing to do" "$work/b.db" sync "$work/folder"
ls -l "$work/folder" | awk 'NR > 1 { printf "file: %s %d bytes\n", $9, $5 }'
