// Sums the vitest JSON reports of every package (packages/*/temp/vitest-report.json, written by
// tools/ci/check-all.sh) and prints per-package counts, then one final line "N passed, N failed".
// Arguments: names of check steps that failed. Exit status 1 if any test, suite or step failed.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

const root = new URL('../../', import.meta.url).pathname
const failedSteps = process.argv.slice(2)
let passed = 0
let failed = 0
let skipped = 0
const problems = []

for (const dir of readdirSync(join(root, 'packages')).sort()) {
  const pkgFile = join(root, 'packages', dir, 'package.json')
  if (!existsSync(pkgFile)) continue
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8'))
  if (!pkg.scripts?.test) continue
  const hasTests = existsSync(join(root, 'packages', dir, 'test')) &&
    readdirSync(join(root, 'packages', dir, 'test'), { recursive: true }).some((f) => String(f).endsWith('.test.ts'))
  const reportFile = join(root, 'packages', dir, 'temp', 'vitest-report.json')
  if (!existsSync(reportFile)) {
    if (hasTests) { failed++; problems.push(`${pkg.name}: no test report (vitest did not finish)`) }
    continue
  }
  const r = JSON.parse(readFileSync(reportFile, 'utf8'))
  // A test file that fails to load has no test results: count it as one failure.
  const brokenFiles = (r.testResults ?? []).filter((f) => f.status === 'failed' && (f.assertionResults ?? []).length === 0)
  const p = r.numPassedTests ?? 0
  const f = (r.numFailedTests ?? 0) + brokenFiles.length
  const s = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0)
  passed += p
  failed += f
  skipped += s
  for (const b of brokenFiles) problems.push(`${pkg.name}: ${b.name.replace(root, '')} failed to run: ${(b.message ?? '').split('\n')[0]}`)
  console.log(`  ${pkg.name.padEnd(28)} ${String(p).padStart(5)} passed ${String(f).padStart(4)} failed${s ? ` ${s} skipped` : ''}`)
}
// Conformance coverage tables written by backend test suites (temp/conformance-<backend>.md).
for (const dir of readdirSync(join(root, 'packages')).sort()) {
  const temp = join(root, 'packages', dir, 'temp')
  if (!existsSync(temp)) continue
  for (const f of readdirSync(temp).filter((n) => /^conformance-.*\.md$/.test(n)).sort()) {
    const lines = readFileSync(join(temp, f), 'utf8').trim().split('\n')
    console.log(`  conformance (${join('packages', dir, 'temp', f)}): ${lines[lines.length - 1]}`)
  }
}
for (const p of problems) console.log(`  ! ${p}`)
if (skipped) console.log(`  (${skipped} skipped or todo)`)
if (failedSteps.length) console.log(`  failed steps: ${failedSteps.join(', ')}`)
console.log(`${passed} passed, ${failed} failed`)
process.exit(failed > 0 || failedSteps.length > 0 ? 1 : 0)
