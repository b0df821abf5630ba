#!/usr/bin/env bash
# Builds the libFuzzer targets and runs each for a bounded number of iterations over its committed
# corpus (Corpus/<target>). Crashers are written to FuzzTesting/crashes/; turn each into a
# regression test (Tests/…) and add the input to the corpus.
#
#   FuzzTesting/fuzz.sh                 # every target, FUZZ_RUNS iterations each (default 200000)
#   FUZZ_RUNS=5000000 FuzzTesting/fuzz.sh FuzzSQL92
#   FUZZ_SEED=11 FuzzTesting/fuzz.sh    # a fixed mutation seed: the same inputs every run (CI)
set -euo pipefail
cd "$(dirname "$0")"
runs=${FUZZ_RUNS:-200000}
seed=${FUZZ_SEED:-0}  # 0: libFuzzer picks one (printed as "Seed:" in its output)
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(FuzzFrameDecoder FuzzJSONParser FuzzBinaryHeader FuzzSQL92 FuzzBatchDecoder FuzzStoredMessage)
fi
swift build -c debug -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
bin=$(swift build -c debug -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library --show-bin-path)
mkdir -p crashes
for target in "${targets[@]}"; do
    work=$(mktemp -d)  # new inputs found in this run stay out of the committed corpus
    echo "== $target: $runs runs"
    started=$(date +%s)
    set +e
    "$bin/$target" -runs="$runs" -seed="$seed" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="crashes/$target-" -print_final_stats=1 "$work" "Corpus/$target" >"$work.log" 2>&1
    status=$?
    set -e
    if [ "$status" -ne 0 ]; then tail -40 "$work.log"; fi
    grep -E "^(INFO: Seed|Done|stat::number_of_executed_units|stat::average_exec_per_sec|stat::new_units_added)" \
        "$work.log" || true
    rm -rf "$work" "$work.log"
    echo "== $target: exit $status in $(( $(date +%s) - started )) s"
    if [ "$status" -ne 0 ]; then
        echo "fuzz target $target failed; inputs in FuzzTesting/crashes/" >&2
        exit "$status"
    fi
done
