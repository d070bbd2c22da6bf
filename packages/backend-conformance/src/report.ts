/** @file `coverageTable`: a markdown table of primitive × check with pass / fail / gap counts. */
import type { BackendPrim } from '@kx/core'
import { ALL_PRIMS } from './cases/index.js'
import type { ConformanceResults } from './results.js'
import type { CheckKind, CheckRecord } from './types.js'

const KINDS: readonly CheckKind[] = ['values', 'vjp', 'grad', 'golden']

function cell(recs: readonly CheckRecord[]): string {
  if (recs.length === 0) return '–'
  const n = (s: CheckRecord['status']): number => recs.filter((r) => r.status === s).length
  const ran = recs.length - n('na')
  const parts = [`${n('pass')}/${ran}`]
  if (n('fail')) parts.push(`**${n('fail')} fail**`)
  if (n('gap')) parts.push(`${n('gap')} gap`)
  if (n('unsupported')) parts.push(`${n('unsupported')} n/s`)
  if (n('na')) parts.push(`${n('na')} n/a`)
  return parts.join(', ')
}

const clip = (s: string, n = 160): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s).replace(/\|/g, '\\|').replace(/\n/g, ' ')

/**
 * A markdown table with one row per primitive and one column per check kind (values, vjp, grad,
 * golden), merging the results of several runners. Cells read `passed/ran`, then failures, known
 * gaps, `n/s` (dtype not supported by the backend) and `n/a`. Known gaps are listed with their
 * reason and issue; the first failure of each primitive is quoted.
 *
 * @example
 * ```ts
 * afterAll(() => console.log(coverageTable([conformance, gradients, golden])))
 * ```
 */
export function coverageTable(results: ConformanceResults | readonly ConformanceResults[]): string {
  const all = Array.isArray(results) ? (results as readonly ConformanceResults[]) : [results as ConformanceResults]
  const records = all.flatMap((r) => r.records)
  const gaps = all.flatMap((r) => r.knownGaps)
  const kinds = KINDS.filter((k) => records.some((r) => r.check === k))
  const lines = [
    `Conformance: ${all.map((r) => r.label).join(' + ')}`,
    '',
    `| primitive | ${kinds.join(' | ')} | status | notes |`,
    `|---|${kinds.map(() => '---').join('|')}|---|---|`,
  ]
  const prims: BackendPrim[] = ALL_PRIMS.filter((p) => records.some((r) => r.prim === p) || gaps.some((g) => g.prim === p))
  const totals = { pass: 0, fail: 0, gap: 0 }
  for (const prim of prims) {
    const recs = records.filter((r) => r.prim === prim)
    const gap = gaps.find((g) => g.prim === prim)
    const failed = recs.find((r) => r.status === 'fail')
    const gapped = recs.some((r) => r.status === 'gap')
    const status = failed ? '**fail**'
      : gapped || (gap && recs.length === 0) ? 'gap'
        : recs.some((r) => r.status === 'pass') ? 'pass'
          : recs.some((r) => r.status === 'unsupported') ? 'n/s' : 'n/a'
    if (failed) totals.fail++
    else if (status === 'gap') totals.gap++
    else if (status === 'pass') totals.pass++
    const notes: string[] = []
    if (gap) notes.push(`known gap: ${gap.reason}${gap.issue ? ` (${gap.issue})` : ''}`)
    if (failed) notes.push(`${failed.caseName} (${failed.check}): ${failed.message ?? ''}`)
    const unsupported = recs.find((r) => r.status === 'unsupported')
    if (unsupported && !failed) notes.push(unsupported.message ?? '')
    lines.push(`| ${prim} | ${kinds.map((k) => cell(recs.filter((r) => r.check === k))).join(' | ')} | ${status} | ${clip(notes.join('; '))} |`)
  }
  lines.push('', `${prims.length} primitives: ${totals.pass} pass, ${totals.fail} fail, ${totals.gap} known gaps.`)
  return lines.join('\n')
}
