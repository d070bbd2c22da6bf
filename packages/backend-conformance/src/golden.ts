/**
 * @file Golden checks of the `reference` backend against the real JAX: `dumpCases` hands the cases to
 * `tools/golden/conformance.py` (jax.lax, x64), which writes `test/golden/lax.json`; `runGoldenChecks`
 * compares the reference's outputs with it.
 */
import { getBackend, type Backend, type BackendPrim, type DType } from '@kx/core'
import { ALL_PRIMS, CASES, caseId } from './cases/index.js'
import { compareArrays, type Tolerance } from './compare.js'
import { decodeArray, encodeArray, hashString, type EncodedArray } from './data.js'
import { applyPost, caseInputs, describeError, fmtSpec, runDirect, specsOf, type AnyCase } from './exec.js'
import { ConformanceResults, defineCheck, type Outcome } from './results.js'
import type { ConformanceTable, KnownGap, TestApi } from './types.js'

/** One case as the golden script reads it. */
export interface DumpedCase {
  readonly id: string
  readonly prim: BackendPrim
  readonly params: unknown
  readonly inputs: readonly EncodedArray[]
  /** Fingerprint of prim, params and inputs: the golden entry must carry the same. */
  readonly hash: string
}

/** A golden entry: JAX's outputs for a case, or why JAX could not evaluate it. */
export type GoldenEntry =
  | { readonly hash: string; readonly outputs: readonly EncodedArray[] }
  | { readonly hash: string; readonly error: string }

/** The golden file written by `tools/golden/conformance.py`. */
export interface GoldenFile {
  readonly generator: string
  readonly jax: string
  readonly cases: Readonly<Record<string, GoldenEntry>>
}

function dumpOne(prim: BackendPrim, c: AnyCase): DumpedCase {
  const inputs = caseInputs(prim, c).map(encodeArray)
  const body = JSON.stringify({ prim, params: c.params, inputs })
  return { id: caseId(prim, c.name), prim, params: c.params, inputs, hash: hashString(body).toString(16).padStart(8, '0') }
}

/**
 * Every case with its materialised inputs, for the golden script (`noGolden` cases left out).
 *
 * @example
 * ```ts
 * writeFileSync('cases.json', JSON.stringify(dumpCases()))
 * ```
 */
export function dumpCases(table: ConformanceTable = CASES): DumpedCase[] {
  return ALL_PRIMS.flatMap((prim) => (table[prim] as readonly AnyCase[]).filter((c) => !c.noGolden).map((c) => dumpOne(prim, c)))
}

// NOTE: JAX evaluates each case in its own dtype; float32 results of XLA are within a few ulps of
// the correctly rounded float64 math of `reference`.
const GOLDEN_TOL: { readonly [D in DType]?: Tolerance } = {
  float64: { rtol: 1e-12, atol: 1e-13 },
  float32: { rtol: 2e-6, atol: 1e-6 },
  float16: { rtol: 2e-3, atol: 1e-3 },
  bfloat16: { rtol: 1.6e-2, atol: 8e-3 },
}
function goldenTolerance(dtype: DType, scale = 1): Tolerance {
  const t = GOLDEN_TOL[dtype]
  return t ? { rtol: t.rtol * scale, atol: t.atol * scale } : { rtol: 0, atol: 0 }
}

/** Options of `runGoldenChecks`. */
export interface GoldenCheckOptions {
  readonly knownGaps?: readonly KnownGap[]
  readonly prims?: readonly BackendPrim[]
}

/**
 * Registers one test per case: the `reference` backend's outputs (shapes, dtypes, values) against
 * the golden file JAX wrote. A missing or stale entry fails and says how to regenerate the file.
 *
 * @example
 * ```ts
 * const golden = JSON.parse(readFileSync(new URL('./golden/lax.json', import.meta.url), 'utf8'))
 * runGoldenChecks(golden, { describe, it, expect })
 * ```
 */
export function runGoldenChecks(golden: GoldenFile, api: TestApi, options: GoldenCheckOptions = {}): ConformanceResults {
  const results = new ConformanceResults(`reference vs JAX ${golden.jax}`, options.knownGaps ?? [])
  const ref = getBackend('reference')
  api.describe(`reference vs JAX ${golden.jax} (golden)`, () => {
    for (const prim of options.prims ?? ALL_PRIMS) {
      // a primitive whose cases are all checked against JAX elsewhere has no golden suite
      if ((CASES[prim] as readonly AnyCase[]).every((c) => c.noGolden)) continue
      api.describe(prim, () => {
        for (const c of CASES[prim] as readonly AnyCase[]) {
          if (c.noGolden) continue
          defineCheck(api, results, prim, c.name, 'golden', `${c.name}: reference vs JAX`, () => goldenCheck(ref, golden, prim, c))
        }
      })
    }
  })
  return results
}

const REGENERATE = 'regenerate it with `.venv/bin/python tools/golden/conformance.py`'

async function goldenCheck(ref: Backend, golden: GoldenFile, prim: BackendPrim, c: AnyCase): Promise<Outcome> {
  const dumped = dumpOne(prim, c)
  const entry = golden.cases[dumped.id]
  if (!entry) return `no golden entry for ${dumped.id}: ${REGENERATE}`
  if (entry.hash !== dumped.hash) return `golden entry for ${dumped.id} was made from other inputs or params (stale): ${REGENERATE}`
  if ('error' in entry) return { na: `JAX rejects this case: ${entry.error}` }
  const inputs = caseInputs(prim, c)
  let specs
  try { specs = specsOf(prim, c.params, inputs) } catch (e) { return `abstractEval threw ${describeError(e)}` }
  const want = entry.outputs.map(decodeArray)
  const problems: string[] = []
  if (want.length !== specs.length) return `abstractEval gives ${specs.length} outputs, JAX ${want.length}`
  specs.forEach((s, i) => {
    const w = want[i]!
    if (s.dtype !== w.dtype || s.shape.length !== w.shape.length || s.shape.some((d, j) => d !== w.shape[j])) {
      problems.push(`output ${i}: abstractEval says ${fmtSpec(s)}, JAX gives ${fmtSpec(w)}`)
    }
  })
  if (problems.length) return problems
  const got = await runDirect(ref, prim, c.params, inputs, specs)
  problems.push(...got.problems)
  const g = await applyPost(ref, c, got.outputs)
  const w = await applyPost(ref, c, want)
  for (let i = 0; i < g.length; i++) {
    const diff = compareArrays(g[i]!.values, w[i]!.values, w[i]!.dtype, goldenTolerance(w[i]!.dtype, c.tolScale))
    if (diff) problems.push(`output ${i} (${fmtSpec(w[i]!)}): ${diff}`)
  }
  return problems
}
