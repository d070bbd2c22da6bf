/** @file `runGradientChecks`: every differentiable primitive's VJP against central finite differences, in float64. */
import {
  getBackend, isFloat, tensor, tidy, type Backend, type BackendPrim, type BackendPrimParams, type Tensor,
} from '@kx/core'
import { ALL_PRIMS, CASES, DIFFERENTIABLE, caseId } from './cases/index.js'
import { fmtValues } from './compare.js'
import { cotangent, type HostArray } from './data.js'
import { caseFunction, caseInputs, specsOf, vjpOn, wrtOf, type AnyCase } from './exec.js'
import { ConformanceResults, defineCheck, defineGapsAreCurrent, type Outcome } from './results.js'
import type { ConformanceTable, KnownGap, TestApi } from './types.js'

/** Options of `runGradientChecks`. */
export interface GradientCheckOptions {
  readonly knownGaps?: readonly KnownGap[]
  readonly prims?: readonly BackendPrim[]
  readonly cases?: ConformanceTable
}

// NOTE: central differences with h = 1e-5·max(1, |x|) in float64 are accurate to ~1e-10 for these
// smooth, O(1) cases; 1e-6 relative leaves room for the larger third derivatives near domain edges.
const STEP = 1e-5
const RTOL = 1e-6
const ATOL = 1e-7

/** Float inputs become float64 (and a float `newDtype` too), so the check runs at full precision. */
function promote(prim: BackendPrim, params: BackendPrimParams[BackendPrim], inputs: readonly HostArray[]): [BackendPrimParams[BackendPrim], HostArray[]] {
  const ins = inputs.map((a) => (isFloat(a.dtype) ? { shape: a.shape, dtype: 'float64' as const, values: Float64Array.from(a.values as ArrayLike<number>) } : a))
  if (prim === 'convert_element_type') {
    const p = params as BackendPrimParams['convert_element_type']
    if (isFloat(p.newDtype)) return [{ newDtype: 'float64' } satisfies BackendPrimParams['convert_element_type'], ins]
  }
  return [params, ins]
}

/** L(x) = Σ_i ⟨ct_i, f(x)_i⟩ evaluated on the reference backend. */
function loss(ref: Backend, prim: BackendPrim, params: BackendPrimParams[BackendPrim], c: AnyCase, inputs: readonly HostArray[], wrt: readonly number[]): number {
  const id = caseId(prim, c.name)
  return tidy(() => {
    const ts: Tensor[] = inputs.map((a) => tensor(a.values, { shape: a.shape, dtype: a.dtype, backend: ref }))
    const outs = caseFunction(prim, params, c, ts, wrt)(...wrt.map((k) => ts[k]!))
    let acc = 0
    outs.forEach((o, i) => {
      const ct = cotangent(id, i, o.shape, o.dtype).values
      const v = o.dataSync()
      for (let j = 0; j < v.length; j++) acc += (ct[j] as number) * (v[j] as number)
    })
    return acc
  })
}

async function gradientCheck(ref: Backend, prim: BackendPrim, c: AnyCase): Promise<Outcome> {
  const [params, inputs] = promote(prim, c.params, caseInputs(prim, c))
  const wrt = wrtOf(c, inputs)
  if (wrt.length === 0) return { na: 'no floating-point input' }
  if (!specsOf(prim, params, inputs).some((s) => isFloat(s.dtype))) return { na: 'no floating-point output' }
  const { grads } = await vjpOn(ref, prim, params, c, inputs, wrt)
  const problems: string[] = []
  const l0 = Math.abs(loss(ref, prim, params, c, inputs, wrt))
  wrt.forEach((k, gi) => {
    const x = inputs[k]!
    const g = grads[gi]!.values
    const fd = new Float64Array(x.values.length)
    for (let j = 0; j < x.values.length; j++) {
      const xj = x.values[j] as number
      const h = STEP * Math.max(1, Math.abs(xj))
      const at = (v: number): number => {
        const values = Float64Array.from(x.values as ArrayLike<number>)
        values[j] = v
        const moved = inputs.map((a, i) => (i === k ? { ...a, values } : a))
        return loss(ref, prim, params, c, moved, wrt)
      }
      fd[j] = (at(xj + h) - at(xj - h)) / (2 * h)
    }
    let bad = -1
    let count = 0
    for (let j = 0; j < fd.length; j++) {
      const err = Math.abs(fd[j]! - (g[j] as number))
      if (!(err <= RTOL * Math.max(Math.abs(fd[j]!), Math.abs(g[j] as number)) + ATOL * (1 + l0))) { count++; if (bad < 0) bad = j }
    }
    if (bad >= 0) {
      problems.push(`d/d input ${k}: ${count}/${fd.length} entries differ from finite differences; first at flat index ${bad}: ` +
        `vjp ${g[bad]}, finite difference ${fd[bad]}; vjp ${fmtValues(g, bad)}, fd ${fmtValues(fd, bad)}`)
    }
  })
  return problems
}

/**
 * Registers one test per case of every differentiable primitive: the VJP rule on the `reference`
 * backend, with inputs promoted to float64, against central finite differences of
 * `L(x) = Σ ⟨cotangent, f(x)⟩`.
 *
 * @example
 * ```ts
 * import { describe, expect, it } from 'vitest'
 * import { runGradientChecks } from '@kx/backend-conformance'
 *
 * runGradientChecks({ describe, it, expect })
 * ```
 */
export function runGradientChecks(api: TestApi, options: GradientCheckOptions = {}): ConformanceResults {
  const results = new ConformanceResults('reference gradients (float64 vs finite differences)', options.knownGaps ?? [])
  const table = options.cases ?? CASES
  // NOTE: the registry's own reference instance, so VJP rules that make constants on the default
  // backend (rather than on their inputs' one) do not hide the numbers; runConformance catches those.
  const ref = getBackend('reference')
  api.describe('gradients vs finite differences', () => {
    for (const prim of options.prims ?? ALL_PRIMS) {
      if (!DIFFERENTIABLE[prim]) continue
      const cases = (table[prim] as readonly AnyCase[]).filter((c) => !c.noGrad)
      if (cases.length === 0) continue
      api.describe(prim, () => {
        for (const c of cases) defineCheck(api, results, prim, c.name, 'grad', `${c.name}: vjp vs finite differences`, () => gradientCheck(ref, prim, c))
      })
    }
    defineGapsAreCurrent(api, results)
  })
  return results
}
