/** @file Outcomes of the ops layer of the kit: typed known gaps per op, records, the per-op summary the coverage tables read. */
import { describeError } from '../exec.js'
import type { Outcome } from '../results.js'
import type { CheckStatus, TestApi } from '../types.js'

/** The op suites the kit runs: `@kx/ops-numpy`'s golden cases, `@kx/ops-nn`'s, and `keras.ops.image`'s. */
export type OpsSuite = 'numpy' | 'nn' | 'image'
/** Checks of the ops layer: values against Keras's golden data; gradients against `reference`'s. */
export type OpsCheckKind = 'values' | 'grad'

/**
 * An op (by its Keras name, as in the golden data: `arctan2`, `linalg.eigh`, `conv`) that does not conform on the
 * backend under test. Failures it covers are recorded as `gap`; a gap that no longer fails fails the kit.
 */
export interface OpsKnownGap {
  readonly suite: OpsSuite
  readonly op: string
  /** Only these case names (default: every case of the op). */
  readonly cases?: readonly string[]
  /** Only this check (default: both). */
  readonly check?: OpsCheckKind
  /** Why: engine lacks dtype X, NaN semantics of Y differ, … */
  readonly reason: string
  /** Issue tracking the gap (URL or `#123`). */
  readonly issue?: string
  /** The engine crashes the process on these cases: they are recorded as gaps without running (needs `cases`). */
  readonly crashes?: boolean
}

/** One recorded outcome of the ops layer. */
export interface OpsRecord {
  readonly suite: OpsSuite
  readonly op: string
  readonly caseName: string
  readonly check: OpsCheckKind
  readonly status: CheckStatus
  readonly message?: string
}

const covers = (g: OpsKnownGap, suite: OpsSuite, op: string, caseName: string, check: OpsCheckKind): boolean =>
  g.suite === suite && g.op === op && (!g.check || g.check === check) && (!g.cases || g.cases.includes(caseName))

/**
 * The outcomes of one `runOpsConformance` run, filled in as its tests run.
 *
 * @example
 * ```ts
 * const results = runOpsConformance(factory, { describe, it, expect }, { name: 'tfjs-cpu', numpy, nn })
 * afterAll(() => writeFileSync('temp/ops.json', JSON.stringify(results.summary())))
 * ```
 */
export class OpsConformanceResults {
  readonly records: OpsRecord[] = []
  constructor(readonly label: string, readonly knownGaps: readonly OpsKnownGap[] = [], readonly note?: string) {}

  /** The known gap that covers a check, if any. */
  gapFor(suite: OpsSuite, op: string, caseName: string, check: OpsCheckKind): OpsKnownGap | undefined {
    return this.knownGaps.find((g) => covers(g, suite, op, caseName, check))
  }

  /** Counts per status. */
  counts(): Record<CheckStatus, number> {
    const c: Record<CheckStatus, number> = { pass: 0, fail: 0, gap: 0, unsupported: 0, na: 0 }
    for (const r of this.records) c[r.status]++
    return c
  }

  /**
   * One entry per op (`suite:op`): `pass` (every check that ran passed), `gap` (with the gaps' reasons), `fail`,
   * `n/s` (the backend declares none of the dtypes its cases need), and counts. The coverage tables read this.
   */
  summary(): OpsSummary {
    const ops: Record<string, OpsSummaryEntry> = {}
    for (const r of this.records) {
      const key = `${r.suite}:${r.op}`
      const e = (ops[key] ??= { status: 'n/a', pass: 0, fail: 0, gap: 0, unsupported: 0, reasons: [] })
      if (r.status !== 'na') e[r.status]++
      const gap = r.status === 'gap' ? this.gapFor(r.suite, r.op, r.caseName, r.check) : undefined
      const reason = gap ? gap.reason : r.status === 'fail' ? `${r.caseName} (${r.check}): ${r.message ?? ''}` : undefined
      if (reason && !e.reasons.includes(reason)) e.reasons.push(reason)
      if (r.status === 'unsupported' && r.message && !e.unsupportedReason?.split('; ').includes(r.message)) {
        e.unsupportedReason = e.unsupportedReason ? `${e.unsupportedReason}; ${r.message}` : r.message
      }
    }
    for (const e of Object.values(ops)) {
      e.status = e.fail ? 'fail' : e.gap ? 'gap' : e.pass ? 'pass' : e.unsupported ? 'n/s' : 'n/a'
    }
    return { backend: this.label, ...(this.note ? { note: this.note } : {}), counts: this.counts(), ops }
  }
}

/** Per-op outcome in a summary. */
export interface OpsSummaryEntry {
  status: 'pass' | 'gap' | 'fail' | 'n/s' | 'n/a'
  pass: number
  fail: number
  gap: number
  unsupported: number
  /** Known-gap reasons (and failure messages) of the op. */
  reasons: string[]
  /** Why cases were not run (dtype the backend does not declare). */
  unsupportedReason?: string
}

/** What a backend's ops-conformance test writes to its `temp/` for the coverage tables. */
export interface OpsSummary {
  readonly backend: string
  /** Set when only part of the cases ran (e.g. a subset on a slow engine). */
  readonly note?: string
  readonly counts: Record<CheckStatus, number>
  readonly ops: Record<string, OpsSummaryEntry>
}

/** Registers one ops check as a test; failures covered by a known gap are recorded as `gap` and pass. */
export function defineOpsCheck(
  api: TestApi, results: OpsConformanceResults, suite: OpsSuite, op: string, caseName: string, check: OpsCheckKind,
  body: () => Promise<Outcome>, timeout?: number,
): void {
  const crash = results.gapFor(suite, op, caseName, check)
  if (crash?.crashes && crash.cases) {
    api.it(`${caseName} (${check}): not run, the engine crashes on it`, () => {
      results.records.push({ suite, op, caseName, check, status: 'gap', message: `not run: ${crash.reason}` })
    })
    return
  }
  const run = async (): Promise<void> => {
    let outcome: Outcome
    try { outcome = await body() } catch (e) { outcome = describeError(e) }
    const base = { suite, op, caseName, check }
    if (outcome !== undefined && typeof outcome === 'object' && 'unsupported' in outcome) {
      results.records.push({ ...base, status: 'unsupported', message: outcome.unsupported })
      return
    }
    if (outcome !== undefined && typeof outcome === 'object' && 'na' in outcome) {
      results.records.push({ ...base, status: 'na', message: outcome.na })
      return
    }
    const problems = outcome === undefined ? [] : typeof outcome === 'string' ? [outcome] : [...(outcome as readonly string[])]
    if (problems.length === 0) { results.records.push({ ...base, status: 'pass' }); return }
    const message = problems.join('; ')
    if (results.gapFor(suite, op, caseName, check)) { results.records.push({ ...base, status: 'gap', message }); return }
    results.records.push({ ...base, status: 'fail', message })
    api.expect(message, `${suite}:${op} ${caseName} (${check}): ${message}`).toEqual(undefined)
  }
  if (timeout === undefined) api.it(`${caseName} (${check})`, run)
  else api.it(`${caseName} (${check})`, run, timeout)
}

/** Registers the test that fails when a listed gap covers no failing check (so the list stays true). */
export function defineOpsGapsAreCurrent(api: TestApi, results: OpsConformanceResults): void {
  if (results.knownGaps.length === 0) return
  api.it('known op gaps are current', () => {
    const stale = results.knownGaps.filter((g) => {
      const recs = results.records.filter((r) => covers(g, r.suite, r.op, r.caseName, r.check))
      return recs.length > 0 && !recs.some((r) => r.status === 'gap')
    }).map((g) => `${g.suite}:${g.op}${g.cases ? ` [${g.cases.join(', ')}]` : ''} is a known gap (${g.reason}) but its checks pass: remove it`)
    api.expect(stale, `stale known gaps: ${stale.join('; ')}`).toEqual([])
  })
}
