#!/usr/bin/env bash
# The real terminal interface, timed from outside (DESIGN.md §7): time to first frame
# at 10k contacts and peak RSS at 100k contacts, with the release binary running in a
# real terminal (tmux, via scripts/tui-drive).
#
#   scripts/tui-bench.sh [RUNS]        default: 5 runs of the first-frame timing
#
# First frame: wall time from starting the terminal until the screen shows the tab bar,
# polled every few milliseconds, minus the same for a program that prints at once (the
# terminal's own start-up); the median of RUNS. Peak RSS: /usr/bin/time -v around ties
# while it shows every pane, filters the 100k contacts by typing "dana hart" and logs a
# call with the contact found.
# Databases are made by `ties demo` into target/bench/ (kept between runs).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
today=2026-11-24
drive=$PWD/scripts/tui-drive
out=target/bench
mkdir -p "$out"
cargo build --release --quiet
ties=$PWD/target/release/ties
home=$(mktemp -d)
trap 'rm -rf "$home"; "$drive" stop tuibench 2>/dev/null || true' EXIT

db() {
  local f=$out/tui-$1.db
  [ -s "$f" ] || "$ties" --db "$f" --today "$today" demo --contacts "$1" >/dev/null
  echo "$f"
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# Milliseconds from starting CMD in a fresh terminal until the screen shows TEXT.
until_shows() {
  local text=$1; shift
  local t0 t1
  t0=$(now_ms)
  "$drive" start tuibench 120x40 -- "$@"
  until "$drive" screen tuibench | grep -qF -- "$text"; do :; done
  t1=$(now_ms)
  "$drive" stop tuibench
  echo $((t1 - t0))
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

f10k=$(db 10000)
base=$(for _ in $(seq "$runs"); do until_shows READY-MARK sh -c 'echo READY-MARK; sleep 60'; done | median)
first=$(for _ in $(seq "$runs"); do
  until_shows " 2 Contacts" env HOME="$home" "$ties" --db "$f10k" --today "$today"
done | median)
echo "first frame at 10k contacts: ${first} ms to the screen (terminal start-up ${base} ms), so $((first - base)) ms for ties (median of $runs)"

f100k=$(db 100000)
rss=$out/tui-rss-100k.txt
"$drive" start tuibench 120x40 -- env HOME="$home" /usr/bin/time -v -o "$rss" "$ties" --db "$f100k" --today "$today"
"$drive" wait tuibench " 2 Contacts" 60
for k in 2 /; do "$drive" keys tuibench "$k"; sleep 0.3; done
for c in d a n a ' ' h a r t; do "$drive" type tuibench "$c"; sleep 0.2; done
"$drive" keys tuibench Enter; sleep 0.3
# Log a call with the selected contact (the form's defaults), then every other pane.
for k in l Enter; do "$drive" keys tuibench "$k"; sleep 0.5; done
for k in j j j 3 c 4 5 1; do "$drive" keys tuibench "$k"; sleep 0.3; done
"$drive" keys tuibench q
for _ in $(seq 100); do "$drive" alive tuibench || break; sleep 0.1; done
"$drive" stop tuibench
kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$rss")
echo "peak RSS at 100k contacts (every pane, filter typed, a call logged): $((kb / 1024)) MB ($kb KB)"
