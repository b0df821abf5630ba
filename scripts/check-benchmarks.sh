#!/usr/bin/env bash
# Checks the malloc counts of the Benchmarks package against the committed thresholds in
# Benchmarks/Thresholds/ (allocation counts are deterministic; wall-clock time is never checked).
#
#   scripts/check-benchmarks.sh           # run (release build of Benchmarks/), fail on a regression
#   scripts/check-benchmarks.sh --update  # after an intended change: rewrite the thresholds
#
# Exit status: 0 when every count is within its tolerance (or better: then it says so, and the
# thresholds should be updated), non-zero on a regression or a failed run.
set -euo pipefail
cd "$(dirname "$0")/../Benchmarks"
export COMET_BENCH_MALLOC_ONLY=1

if [ "${1:-}" = "--update" ]; then
    exec swift package --allow-writing-to-package-directory benchmark thresholds update --path Thresholds \
        --no-progress
fi

status=0
swift package benchmark thresholds check --path Thresholds --no-progress || status=$?
case "$status" in
    0) echo "benchmarks: malloc counts match the thresholds" ;;
    4) echo "benchmarks: malloc counts improved; run scripts/check-benchmarks.sh --update and commit" ;;
    *) echo "benchmarks: malloc counts regressed (or the run failed), status $status" >&2; exit "$status" ;;
esac
