#!/usr/bin/env bash
# Coverage-guided fuzzing of every importer (AFL++ through afl.rs, on the stable
# toolchain): vCard, Google CSV, LinkedIn CSV, ties JSON and email, each for SECONDS, seeded
# from fuzz/seeds/. Exits 1 when any target finds a crash or a hang; the inputs are
# copied to fuzz/found/TARGET/ so each becomes a regression test (tests/interop.rs
# `fuzz_finds_stay_fixed` replays every file kept under tests/fixtures/fuzz/).
#
#   scripts/fuzz.sh [SECONDS]          default: 30 per target
#
# Installs cargo-afl with `cargo install` when it is missing (needs a C compiler and make).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
targets=(vcard google_csv linkedin_csv json email)
command -v cargo-afl >/dev/null || cargo install cargo-afl --locked --quiet
# Builds AFL++ once per rustc; says so (and fails) when it already is: not an error here.
cargo afl config --build >/dev/null 2>&1 || true
(cd fuzz && cargo afl build --release --locked --quiet)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
export AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1
failed=0
for t in "${targets[@]}"; do
  cargo afl fuzz -V "$seconds" -i "fuzz/seeds/$t" -o "$out/$t" "fuzz/target/release/$t" >"$out/$t.log" 2>&1 || {
    echo "fuzz: $t did not run; its log:" >&2
    tail -20 "$out/$t.log" >&2
    failed=1
    continue
  }
  stats=$out/$t/default/fuzzer_stats
  execs=$(awk -F: '/^execs_done/ {gsub(/ /, "", $2); print $2}' "$stats")
  corpus=$(awk -F: '/^corpus_count/ {gsub(/ /, "", $2); print $2}' "$stats")
  found=0
  for kind in crashes hangs; do
    for f in "$out/$t/default/$kind"/id:*; do
      [ -e "$f" ] || continue
      mkdir -p "fuzz/found/$t"
      cp "$f" "fuzz/found/$t/$kind-$(basename "$f" | tr ':,' '__')"
      found=$((found + 1))
    done
  done
  echo "fuzz: $t: $execs runs in ${seconds}s, $corpus inputs in the corpus, $found crashes or hangs"
  [ "$found" -eq 0 ] || failed=1
done
exit "$failed"
