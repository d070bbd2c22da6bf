/** @file Check outcomes: recording, the gap policy, and the `it` wrapper every runner uses. */
import type { BackendPrim } from '@kx/core'
import { describeError } from './exec.js'
import type { CheckKind, CheckRecord, CheckStatus, KnownGap, TestApi } from './types.js'

/**
 * The outcomes of one suite run, filled in as its tests run. Pass it (or several) to
 * `coverageTable` once they finished (e.g. in `afterAll`).
 *
 * @example
 * ```ts
 * const results = runConformance(factory, { describe, it, expect })
 * afterAll(() => console.log(results.counts())) // { pass: 1010, fail: 0, gap: 3, unsupported: 40, na: 0 }
 * ```
 */
export class ConformanceResults {
  readonly records: CheckRecord[] = []
  constructor(
    /** Label of the backend or suite (`reference`, `tfjs-cpu`, `reference vs JAX`). */
    readonly label: string,
    readonly knownGaps: readonly KnownGap[] = [],
  ) {}

  /** Records one outcome. */
  add(record: CheckRecord): void { this.records.push(record) }
  /** Outcomes of one primitive. */
  of(prim: BackendPrim): CheckRecord[] { return this.records.filter((r) => r.prim === prim) }
  /** Counts per status. */
  counts(): Record<CheckStatus, number> {
    const c: Record<CheckStatus, number> = { pass: 0, fail: 0, gap: 0, unsupported: 0, na: 0 }
    for (const r of this.records) c[r.status]++
    return c
  }
}

/** What a check body returns: nothing (pass), problems, or a reason the check does not apply. */
export type Outcome = undefined | string | readonly string[] | { readonly unsupported: string } | { readonly na: string }

/**
 * Registers one check as a test. A failure on a primitive listed in the known gaps is recorded as
 * `gap` and the test passes; any other failure is recorded and fails the test with its message.
 */
export function defineCheck(
  api: TestApi, results: ConformanceResults, prim: BackendPrim, caseName: string, check: CheckKind, title: string,
  body: () => Promise<Outcome> | Outcome, timeout?: number,
): void {
  const run = async (): Promise<void> => {
    let outcome: Outcome
    try { outcome = await body() } catch (e) { outcome = describeError(e) }
    const base = { prim, caseName, check }
    if (outcome !== undefined && typeof outcome === 'object' && 'unsupported' in outcome) {
      results.add({ ...base, status: 'unsupported', message: outcome.unsupported })
      return
    }
    if (outcome !== undefined && typeof outcome === 'object' && 'na' in outcome) {
      results.add({ ...base, status: 'na', message: outcome.na })
      return
    }
    const problems = outcome === undefined ? [] : typeof outcome === 'string' ? [outcome] : [...(outcome as readonly string[])]
    if (problems.length === 0) { results.add({ ...base, status: 'pass' }); return }
    const message = problems.join('; ')
    if (results.knownGaps.some((g) => g.prim === prim)) { results.add({ ...base, status: 'gap', message }); return }
    results.add({ ...base, status: 'fail', message })
    api.expect(message, `${prim}/${caseName} (${check}): ${message}`).toEqual(undefined)
  }
  if (timeout === undefined) api.it(title, run)
  else api.it(title, run, timeout)
}

/** Registers the test that fails when a listed gap no longer fails anywhere (so the list stays true). */
export function defineGapsAreCurrent(api: TestApi, results: ConformanceResults): void {
  if (results.knownGaps.length === 0) return
  api.it('known gaps are current', () => {
    const stale = results.knownGaps.filter((g) => {
      const recs = results.of(g.prim)
      return recs.length > 0 && !recs.some((r) => r.status === 'gap')
    }).map((g) => `${g.prim} is listed as a known gap (${g.reason}) but all its checks pass: remove it`)
    api.expect(stale, `stale known gaps: ${stale.join('; ')}`).toEqual([])
  })
}
