#!/usr/bin/env bash
# The full check (README's test command, `pnpm run check:all`): build every package, type-check src and
# tests, run every package's tests, check the API reports (no --local), check changesets when a base
# branch exists, and end with one line "N passed, N failed" (vitest tests over all packages).
# Every step runs even when an earlier one failed; the exit status is non-zero if anything failed.
set -uo pipefail
cd "$(dirname "$0")/../.."

start=$(date +%s)
failed_steps=()
step() {
  local name=$1
  shift
  echo "==> $name: $*"
  if "$@"; then echo "==> $name: ok"; else echo "==> $name: FAILED"; failed_steps+=("$name"); fi
}

# Stale reports must not be counted; turbo restores the reports of cached (unchanged) packages.
rm -f packages/*/temp/vitest-report.json packages/*/temp/conformance-*.md
step "build, lint, api" pnpm exec turbo run build lint api --concurrency=2 --continue=dependencies-successful --output-logs=errors-only
step "test" pnpm exec turbo run test --concurrency=2 --continue=dependencies-successful --output-logs=full -- \
  --reporter=default --reporter=json --outputFile.json=temp/vitest-report.json --passWithNoTests
step "changesets" bash tools/ci/changeset-status.sh

echo "==> wall time: $(( $(date +%s) - start )) s"
node tools/ci/summary.mjs "${failed_steps[@]}"
