#!/usr/bin/env bash
# Whole-process timings for BENCHMARKS.md (DESIGN.md §7): generates demo databases of
# 1k, 10k and 100k contacts and times ties commands against a raw sqlite3 scan of the
# same interactions table — the floor for any command that must read them.
#
#   scripts/bench.sh [SIZES...]        default: 1000 10000 100000
#
# Uses hyperfine when installed (median and spread), else a loop of 5 runs; peak RSS
# from /usr/bin/time -v. Writes to target/bench/ and prints a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("${@:-1000 10000 100000}")
# shellcheck disable=SC2206
sizes=(${sizes[*]})
today=2026-11-24
out=target/bench
mkdir -p "$out"
cargo build --release --quiet
ties=$PWD/target/release/ties
command -v sqlite3 >/dev/null || { echo "bench.sh: sqlite3 is needed (apt-get install sqlite3)" >&2; exit 2; }

# time_cmd LABEL CMD... : prints "median_ms spread_ms"
time_cmd() {
  local label=$1; shift
  if command -v hyperfine >/dev/null; then
    hyperfine --warmup 2 --runs 10 --export-json "$out/h.json" --style none "$(printf '%q ' "$@")" >/dev/null 2>&1
    python3 - "$out/h.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print(f"{r['median']*1000:.0f} {r['stddev']*1000:.0f}")
PY
  else
    python3 - "$@" <<'PY'
import subprocess, sys, time, statistics
ts = []
for _ in range(6):
    t = time.perf_counter(); subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True); ts.append(time.perf_counter() - t)
ts = ts[1:]
print(f"{statistics.median(ts)*1000:.0f} {statistics.pstdev(ts)*1000:.0f}")
PY
  fi
}

rss_kb() { /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F: '/Maximum resident/ {gsub(/ /, "", $2); print $2}'; }

echo "| contacts | interactions | command | median ms | ± ms | peak RSS MB |"
echo "|---:|---:|---|---:|---:|---:|"
for n in "${sizes[@]}"; do
  db=$out/demo-$n.db
  if [ ! -f "$db" ]; then
    rm -f "$db"
    "$ties" --db "$db" --today $today demo --contacts "$n" --seed 1 >/dev/null
  fi
  inter=$(sqlite3 "$db" "select count(*) from interactions")
  row() { # LABEL CMD...
    local label=$1; shift
    read -r med sd < <(time_cmd "$label" "$@")
    local rss; rss=$(rss_kb "$@")
    echo "| $n | $inter | $label | $med | $sd | $((rss / 1024)) |"
  }
  row "sqlite3 raw scan (floor)" sqlite3 "$db" "select contact_id, kind, count(*), max(occurred_on), min(occurred_on) from interactions group by contact_id, kind"
  row "ties suggest" "$ties" --db "$db" --today $today suggest
  row "ties today" "$ties" --db "$db" --today $today today
  row "ties list --search" "$ties" --db "$db" --today $today list --search "park"
  if [ "$n" -le 10000 ]; then
    vcf=$out/export-$n.vcf
    [ -f "$vcf" ] || "$ties" --db "$db" export --format vcard -o "$vcf"
    imp() { rm -f "$out/import.db"; "$ties" --db "$out/import.db" --today $today import "$vcf" >/dev/null; }
    export -f imp 2>/dev/null || true
    t0=$(date +%s%N); imp; t1=$(date +%s%N)
    echo "| $n | – | ties import ($n vCards) | $(( (t1 - t0) / 1000000 )) | – | – |"
  fi
  size_mb=$(( $(stat -c %s "$db") / 1048576 ))
  t0=$(date +%s%N); "$ties" --db "$db" backup "$out/backup-$n-$$.db" >/dev/null; t1=$(date +%s%N)
  rm -f "$out/backup-$n-$$.db"
  echo "| $n | – | ties backup (${size_mb} MB) | $(( (t1 - t0) / 1000000 )) | – | – |"
done
