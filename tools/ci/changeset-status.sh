#!/usr/bin/env bash
# `changeset status` against the base branch, when there is one to compare with: skipped (exit 0) on a
# fresh clone of main, when HEAD is the base, or when the history is too shallow to find the fork point.
set -euo pipefail
cd "$(dirname "$0")/../.."
base_branch=$(node -e "console.log(JSON.parse(require('fs').readFileSync('.changeset/config.json','utf8')).baseBranch)")
if ! git rev-parse --git-dir >/dev/null 2>&1; then echo "changeset status: skipped (not a git checkout)"; exit 0; fi
base=""
for ref in "origin/$base_branch" "$base_branch"; do
  if git rev-parse --verify -q "$ref^{commit}" >/dev/null; then base=$ref; break; fi
done
if [ -z "$base" ]; then echo "changeset status: skipped (no $base_branch branch to compare with)"; exit 0; fi
if [ "$(git rev-parse HEAD)" = "$(git rev-parse "$base^{commit}")" ]; then echo "changeset status: skipped (HEAD is $base)"; exit 0; fi
if [ "$(git rev-parse --abbrev-ref HEAD)" = "$base_branch" ] && [ "$base" = "$base_branch" ]; then
  echo "changeset status: skipped (on $base_branch itself)"; exit 0
fi
if ! git merge-base "$base" HEAD >/dev/null 2>&1; then
  echo "changeset status: skipped (no common history with $base; in a shallow clone run git fetch --unshallow)"; exit 0
fi
exec pnpm exec changeset status --since="$base"
