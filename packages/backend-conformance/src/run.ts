/** @file `runConformance`: every case of every primitive on the backend under test, against `reference`. */
import { createReferenceBackend, isFloat, type Backend, type BackendFactory, type BackendPrim } from '@kx/core'
import { ALL_PRIMS, CASES, DIFFERENTIABLE } from './cases/index.js'
import { compareArrays, toleranceFor } from './compare.js'
import {
  applyPost, caseInputs, fmtSpec, missingDtypes, runDirect, specsOf, symbolicProblems, vjpOn, wrtOf, describeError, type AnyCase,
} from './exec.js'
import { ConformanceResults, defineCheck, defineGapsAreCurrent, type Outcome } from './results.js'
import type { ConformanceTable, KnownGap, TestApi } from './types.js'

/** Options of `runConformance`. */
export interface ConformanceOptions {
  /** Primitives the backend does not (fully) conform on: reported as `gap`, never skipped. */
  readonly knownGaps?: readonly KnownGap[]
  /** Label in test names and the coverage table (default `backend`). */
  readonly name?: string
  /** Run only these primitives (default: all). */
  readonly prims?: readonly BackendPrim[]
  /** Replace the built-in case table (e.g. to add cases). */
  readonly cases?: ConformanceTable
  /** Per-test timeout in ms (slow engines such as WebGPU on lavapipe). */
  readonly timeout?: number
  /**
   * Run float64 cases in float32 when the backend has float32 but not float64 (default true), so
   * float32-only engines are checked on every case; the table still shows which ones.
   */
  readonly float64AsFloat32?: boolean
}

/** The case with every float64 input and dtype parameter turned into float32. */
function asFloat32(c: AnyCase): AnyCase {
  const params = Object.fromEntries(Object.entries(c.params as object).map(([k, v]) => [k, v === 'float64' ? 'float32' : v]))
  return {
    ...c,
    inputs: c.inputs.map((s) => (s.dtype === 'float64' ? { ...s, dtype: 'float32' as const } : s)),
    params: params as AnyCase['params'],
  }
}

/** Whether a case mentions float64 (inputs or dtype parameters). */
const usesFloat64 = (c: AnyCase): boolean =>
  c.inputs.some((s) => s.dtype === 'float64') || Object.values(c.params as object).includes('float64')

// NOTE: a VJP composes several primitives, so it gets 4x the dtype tolerance of one primitive.
const VJP_TOL_SCALE = 4

/**
 * Registers the conformance suite of one backend: for every case of every primitive, (a) output
 * shapes and dtypes equal `abstractEval`'s (and the symbolic path's), with reads of the right length
 * and host storage; (b) values equal the `reference` backend's within a dtype-based tolerance; (c) for
 * differentiable primitives, VJPs on the backend equal VJPs on `reference`. Returns the results
 * object that `coverageTable` prints.
 *
 * @example
 * ```ts
 * import { afterAll, describe, expect, it } from 'vitest'
 * import { runConformance, coverageTable } from '@kx/backend-conformance'
 *
 * const results = runConformance(() => createMyBackend(), { describe, it, expect }, {
 *   name: 'mine',
 *   knownGaps: [{ prim: 'fft', reason: 'no complex kernels yet', issue: '#12' }],
 * })
 * afterAll(() => console.log(coverageTable(results)))
 * ```
 */
export function runConformance(backendFactory: BackendFactory, api: TestApi, options: ConformanceOptions = {}): ConformanceResults {
  const label = options.name ?? 'backend'
  const results = new ConformanceResults(label, options.knownGaps ?? [])
  const table = options.cases ?? CASES
  const prims = options.prims ?? ALL_PRIMS
  let pending: Promise<Backend> | undefined
  const backend = (): Promise<Backend> => (pending ??= Promise.resolve().then(backendFactory))
  const ref = createReferenceBackend()

  api.describe(`conformance: ${label}`, () => {
    for (const prim of prims) {
      api.describe(prim, () => {
        for (const c of table[prim] as readonly AnyCase[]) {
          const adapt = async (): Promise<[Backend, AnyCase]> => {
            const b = await backend()
            const lacks64 = !b.capabilities.dtypes.has('float64') && b.capabilities.dtypes.has('float32')
            return [b, lacks64 && (options.float64AsFloat32 ?? true) && usesFloat64(c) ? asFloat32(c) : c]
          }
          defineCheck(api, results, prim, c.name, 'values', `${c.name}: shapes, dtypes and values`,
            async () => { const [b, cc] = await adapt(); return valuesCheck(b, ref, prim, cc) }, options.timeout)
          if (DIFFERENTIABLE[prim] && !c.noGrad) {
            defineCheck(api, results, prim, c.name, 'vjp', `${c.name}: vjp`,
              async () => { const [b, cc] = await adapt(); return vjpCheck(b, ref, prim, cc) }, options.timeout)
          }
        }
      })
    }
    defineGapsAreCurrent(api, results)
  })
  return results
}

async function valuesCheck(backend: Backend, ref: Backend, prim: BackendPrim, c: AnyCase): Promise<Outcome> {
  const inputs = caseInputs(prim, c)
  let specs
  try { specs = specsOf(prim, c.params, inputs) } catch (e) { return `abstractEval threw ${describeError(e)}` }
  const problems = symbolicProblems(prim, c.params, inputs, specs)
  const missing = missingDtypes(backend, [...inputs.map((a) => a.dtype), ...specs.map((s) => s.dtype)])
  if (missing.length) return { unsupported: `dtypes not declared: ${missing.join(', ')}` }
  const got = await runDirect(backend, prim, c.params, inputs, specs)
  problems.push(...got.problems)
  const want = await runDirect(ref, prim, c.params, inputs, specs)
  if (want.problems.length) problems.push(...want.problems.map((p) => `reference: ${p}`))
  const g = await applyPost(ref, c, got.outputs)
  const w = await applyPost(ref, c, want.outputs)
  for (let i = 0; i < Math.min(g.length, w.length); i++) {
    const diff = compareArrays(g[i]!.values, w[i]!.values, w[i]!.dtype, toleranceFor(w[i]!.dtype, c.tolScale))
    if (diff) problems.push(`output ${i} (${fmtSpec(w[i]!)}): ${diff}`)
  }
  return problems
}

async function vjpCheck(backend: Backend, ref: Backend, prim: BackendPrim, c: AnyCase): Promise<Outcome> {
  const inputs = caseInputs(prim, c)
  const wrt = wrtOf(c, inputs)
  if (wrt.length === 0) return { na: 'no floating-point input' }
  const specs = specsOf(prim, c.params, inputs)
  if (!specs.some((s) => isFloat(s.dtype))) return { na: 'no floating-point output' }
  const missing = missingDtypes(backend, [...inputs.map((a) => a.dtype), ...specs.map((s) => s.dtype)])
  if (missing.length) return { unsupported: `dtypes not declared: ${missing.join(', ')}` }
  if (!backend.capabilities.training) return { unsupported: 'backend does not declare training' }
  const got = await vjpOn(backend, prim, c.params, c, inputs, wrt)
  const want = await vjpOn(ref, prim, c.params, c, inputs, wrt)
  const problems: string[] = []
  // NOTE: a negative delta means the finalizer freed someone else's garbage meanwhile; only a positive one is a leak.
  if (got.leaked > 0) problems.push(`${got.leaked} tensors left alive on the backend after the VJP`)
  got.grads.forEach((g, i) => {
    const w = want.grads[i]!
    const diff = compareArrays(g.values, w.values, w.dtype, toleranceFor(w.dtype, VJP_TOL_SCALE * (c.tolScale ?? 1)))
    if (diff) problems.push(`cotangent of input ${wrt[i]} (${fmtSpec(w)}): ${diff}`)
  })
  return problems
}
