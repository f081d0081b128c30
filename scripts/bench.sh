#!/usr/bin/env bash
# Whole-process timings for BENCHMARKS.md (DESIGN.md §7), side by side in one run:
#
#   - `ties list --search` against `abook --mutt-query` on the same people (the script
#     writes the abook file from the same generated contacts, names and emails);
#   - `ties suggest` and `ties today` against the single-pass floor: `sqlite3 DB 'select count(*), sum(contact_id), max(occurred_on),
#     max(kind) from interactions'`, which reads every interaction once;
#   - peak RSS of each (/usr/bin/time -v), import of N vCards, backup.
#
#   scripts/bench.sh [SIZES...]        default: 1000 10000 100000
#
# Needs hyperfine, sqlite3 and abook (installed with apt-get when missing and possible).
# Writes to target/bench/ and prints a Markdown table. Compare ratios: machines are noisy.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("${@:-1000 10000 100000}")
# shellcheck disable=SC2206
sizes=(${sizes[*]})
today=2026-11-24
out=target/bench
mkdir -p "$out"
need=()
for tool in hyperfine sqlite3 abook; do
  command -v "$tool" >/dev/null || need+=("$tool")
done
if [ ${#need[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "bench.sh: install ${need[*]} first" >&2
    exit 2
  fi
fi
cargo build --release --locked --quiet
ties=$PWD/target/release/ties
floor="select count(*), sum(contact_id), max(occurred_on), max(kind) from interactions"

# median_ms CMD... : the median of 10 runs after 2 warm-ups, in ms.
median_ms() {
  hyperfine -N -i --warmup 2 --runs 10 --export-json "$out/h.json" --style none "$(printf '%q ' "$@")" >/dev/null 2>&1
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%.1f" % (r["median"] * 1000))' "$out/h.json"
}
rss_mb() { /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F: '/Maximum resident/ {gsub(/ /, "", $2); printf "%d", $2 / 1024}'; }

# abook_file DB FILE: the same people as an abook address book (name, emails).
abook_file() {
  {
    printf '# abook addressbook file\n\n[format]\nprogram=abook\nversion=0.6.1\n\n'
    sqlite3 -separator $'\t' "$1" "select c.name, coalesce((select group_concat(value, ',') from contact_fields f where f.contact_id = c.id and f.kind = 'email'), '') from contacts c order by c.id" |
      awk -F'\t' '{ printf "\n[%d]\nname=%s\n", NR-1, $1; if ($2 != "") printf "email=%s\n", $2 }'
  } >"$2"
}

echo "| contacts | interactions | measure | ties ms | reference ms | ratio | ties peak RSS MB |"
echo "|---:|---:|---|---:|---:|---:|---:|"
for n in "${sizes[@]}"; do
  db=$out/demo-$n.db
  [ -f "$db" ] || "$ties" --db "$db" --today $today demo --contacts "$n" --seed 1 >/dev/null
  # A database from an older build is upgraded once, outside the timings.
  "$ties" --db "$db" --today $today list --search zzzz >/dev/null 2>&1 || true
  inter=$(sqlite3 "$db" "select count(*) from interactions")
  ab=$out/abook-$n
  [ -f "$ab" ] || abook_file "$db" "$ab"
  q="Hart 7"
  t=$(median_ms "$ties" --db "$db" --today $today list --search "$q")
  a=$(median_ms abook --datafile "$ab" --mutt-query "$q")
  echo "| $n | $inter | \`list --search '$q'\` vs \`abook --mutt-query\` | $t | $a | $(python3 -c "print(f'{$t/$a:.2f}×')") | $(rss_mb "$ties" --db "$db" --today $today list --search "$q") |"
  f=$(median_ms sqlite3 "$db" "$floor")
  for cmd in suggest today; do
    t=$(median_ms "$ties" --db "$db" --today $today $cmd)
    echo "| $n | $inter | \`$cmd\` vs the single-pass floor | $t | $f | $(python3 -c "print(f'{$t/$f:.2f}×')") | $(rss_mb "$ties" --db "$db" --today $today $cmd) |"
  done
  if [ "$n" -le 10000 ]; then
    vcf=$out/export-$n.vcf
    [ -f "$vcf" ] || "$ties" --db "$db" export --format vcard -o "$vcf"
    rm -f "$out/import.db"*
    t0=$(date +%s%N); "$ties" --db "$out/import.db" --today $today import "$vcf" >/dev/null; t1=$(date +%s%N)
    echo "| $n | – | \`import\` of $n vCards | $(( (t1 - t0) / 1000000 )) | – | – | – |"
  fi
  size_mb=$(( $(stat -c %s "$db") / 1048576 ))
  rm -f "$out/backup-$n.db"
  t0=$(date +%s%N); "$ties" --db "$db" backup "$out/backup-$n.db" >/dev/null; t1=$(date +%s%N)
  rm -f "$out/backup-$n.db"
  echo "| $n | – | \`backup\` (${size_mb} MB) | $(( (t1 - t0) / 1000000 )) | – | – | – |"
done
