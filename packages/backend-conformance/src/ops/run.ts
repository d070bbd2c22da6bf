/**
 * @file `runOpsConformance`: every golden op case of `@kx/ops-numpy` and `@kx/ops-nn` on the backend under test,
 * values against the real Keras's golden data, gradients against the `reference` backend's (FD-checked there).
 */
import {
  KxError, Tensor, collectTensors, createReferenceBackend, grad, isFloat, lax, tensor, tidy, withDefaultBackend,
  type Backend, type BackendFactory, type DType,
} from '@kx/core'
import { compareArrays } from '../compare.js'
import type { Outcome } from '../results.js'
import type { TestApi } from '../types.js'
import { IMAGE_RUN, NN_RUN, fromGolden, nnDType, nnOutProblems, nnTolerance, type NnGoldenCase } from './nn-golden.js'
import { lossWeights, type NnGradCase } from './nn-grad-cases.js'
import {
  NUMPY_DIVERGENCES, absExpected, absOutputs, callNumpyCase, caseArgs, numpyCaseDtypes, numpyOutProblems, resolveOp,
  type NumpyGoldenCase, type OpsNamespace,
} from './numpy-golden.js'
import { OpsConformanceResults, defineOpsCheck, defineOpsGapsAreCurrent, type OpsCheckKind, type OpsKnownGap, type OpsSuite } from './results.js'

/** The golden cases and op namespaces the ops layer runs (the kit ships no data: tests load the ops packages' JSON). */
export interface OpsCases {
  /** `@kx/ops-numpy`'s namespace and its golden cases (every group). */
  readonly numpy?: { readonly ops: OpsNamespace; readonly cases: readonly NumpyGoldenCase[] }
  /** `@kx/ops-nn`'s namespace, its golden cases, the image golden cases and the gradient cases. */
  readonly nn?: {
    readonly ops: OpsNamespace
    readonly cases: readonly NnGoldenCase[]
    readonly imageCases?: readonly NnGoldenCase[]
    readonly gradCases?: readonly NnGradCase[]
  }
}

/** Options of `runOpsConformance`. */
export interface OpsConformanceOptions {
  /** Label in test names and tables (default `backend`). */
  readonly name?: string
  readonly knownGaps?: readonly OpsKnownGap[]
  /** Runs only the cases this accepts (a representative subset on slow engines; say so in `note`). */
  readonly filter?: (suite: OpsSuite, op: string, caseName: string, check: OpsCheckKind) => boolean
  /** Recorded in the summary when a subset runs. */
  readonly note?: string
  /** Per-test timeout in ms. */
  readonly timeout?: number
  /**
   * Tolerance multiplier for float values against golden data (default 1). Keras's float64 golden values
   * compared with a float32 engine use float32's tolerance times this.
   */
  readonly valueScale?: number
}

// NOTE: gradients in float32 against reference's float64: composite VJPs lose a few digits (sums of many terms).
const GRAD_TOL = { rtol: 2e-3, atol: 5e-4 }

/**
 * Registers the ops layer of the conformance kit for one backend: each golden case of `@kx/ops-numpy` and
 * `@kx/ops-nn` (values, dtypes, shapes against Keras 3's golden data; expected errors as `KxError`), and each
 * gradient case (the backend's float32 gradient against `reference`'s float64 one). Float64 data runs in
 * float32 on engines without float64; cases needing a dtype the backend does not declare are `n/s`.
 *
 * @example
 * ```ts
 * import * as numpy from '@kx/ops-numpy'
 * import * as nn from '@kx/ops-nn'
 * const golden = loadOpsGolden((p) => JSON.parse(readFileSync(new URL(`../../${p}`, import.meta.url), 'utf8')))
 * const results = runOpsConformance(() => createMyBackend(), { describe, it, expect }, {
 *   name: 'mine', knownGaps: [{ suite: 'numpy', op: 'linalg.svd', reason: 'no SVD kernel' }],
 * }, withNamespaces(golden, numpy, nn))
 * ```
 */
export function runOpsConformance(factory: BackendFactory, api: TestApi, options: OpsConformanceOptions, cases: OpsCases): OpsConformanceResults {
  const label = options.name ?? 'backend'
  const results = new OpsConformanceResults(label, options.knownGaps ?? [], options.note)
  let pending: Promise<Backend> | undefined
  const backend = (): Promise<Backend> => (pending ??= Promise.resolve().then(factory))
  const ref = createReferenceBackend()
  const keep = options.filter ?? ((): boolean => true)
  const scale = options.valueScale ?? 1
  const t = options.timeout

  api.describe(`ops conformance: ${label}`, () => {
    const numpy = cases.numpy
    const numpyCases = numpy?.cases.filter((c) => keep('numpy', c.op, c.name, 'values') || (c.grad && keep('numpy', c.op, c.name, 'grad'))) ?? []
    if (numpy && numpyCases.length) {
      api.describe('ops-numpy', () => {
        for (const c of numpyCases) {
          if (keep('numpy', c.op, c.name, 'values')) defineOpsCheck(api, results, 'numpy', c.op, c.name, 'values', async () => numpyValues(await backend(), numpy.ops, c, scale), t)
          if (c.grad && !c.error && keep('numpy', c.op, c.name, 'grad')) defineOpsCheck(api, results, 'numpy', c.op, c.name, 'grad', async () => numpyGrad(await backend(), ref, numpy.ops, c), t)
        }
      })
    }
    const nn = cases.nn
    if (nn) {
      const suites: [OpsSuite, readonly NnGoldenCase[]][] = [['nn', nn.cases], ['image', nn.imageCases ?? []]]
      for (const [suite, all] of suites) {
        const list = all.filter((c) => keep(suite, c.op, c.id, 'values'))
        if (list.length === 0) continue
        api.describe(`ops-nn: ${suite}`, () => {
          for (const c of list) {
            defineOpsCheck(api, results, suite, c.op, c.id, 'values', async () => nnValues(await backend(), nn.ops, suite, c, scale), t)
          }
        })
      }
      const grads = (nn.gradCases ?? []).filter((g) => keep('nn', g.op, g.name, 'grad'))
      if (grads.length) api.describe('ops-nn: gradients', () => {
        for (const g of grads) {
          defineOpsCheck(api, results, 'nn', g.op, g.name, 'grad', async () => nnGrad(await backend(), ref, nn.ops, g), t)
        }
      })
    }
    defineOpsGapsAreCurrent(api, results)
  })
  return results
}

/** Float64 → float32 where the backend has float32 but not float64. */
function dtypeMapOf(b: Backend): Partial<Record<DType, DType>> {
  const has = b.capabilities.dtypes
  return !has.has('float64') && has.has('float32') ? { float64: 'float32' } : {}
}

function missing(b: Backend, dtypes: readonly DType[], map: Partial<Record<DType, DType>>): Outcome | undefined {
  const lack = [...new Set(dtypes.map((d) => map[d] ?? d))].filter((d) => !b.capabilities.dtypes.has(d))
  return lack.length ? { unsupported: `dtypes not declared: ${lack.join(', ')}` } : undefined
}

/** Problems with outputs that live on another backend than the one under test. */
function wrongBackend(out: unknown, b: Backend): string[] {
  return collectTensors(out).size && [...collectTensors(out)].some((x) => (x as Tensor).backend !== b)
    ? [`an output lives on another backend than ${b.name}`] : []
}

async function settle(out: unknown, check: () => Promise<string[]>): Promise<string[]> {
  try { return await check() } finally { for (const x of collectTensors(out)) (x as Tensor).dispose() }
}

async function numpyValues(b: Backend, ops: OpsNamespace, c: NumpyGoldenCase, scale: number): Promise<Outcome> {
  const divergence = NUMPY_DIVERGENCES[c.name]
  if (divergence) return { na: divergence }
  if (!resolveOp(ops, c.op)) return `op not implemented: ${c.op}`
  const dtypeMap = dtypeMapOf(b)
  const lack = missing(b, numpyCaseDtypes(c), dtypeMap)
  if (lack) return lack
  const target = { backend: b, dtypeMap }
  if (c.error) {
    let thrown: unknown
    try { tidy(() => withDefaultBackend(b, () => callNumpyCase(ops, c, target))) } catch (e) { thrown = e }
    return thrown instanceof KxError ? undefined : `Keras raised ${c.error} (${c.message ?? ''}); kx ${thrown ? `threw ${String(thrown)}` : 'returned'} instead of a KxError`
  }
  const out = tidy(() => withDefaultBackend(b, () => absOutputs(ops, c.op, callNumpyCase(ops, c, target))))
  return settle(out, async () => [
    ...wrongBackend(out, b),
    ...await numpyOutProblems(out, absExpected(c.op, c.out!), c.name, { ...(c.tol ? { tol: c.tol } : {}), sortLast: c.sort_last ?? false, scale, dtypeMap }),
  ])
}

async function nnValues(b: Backend, ops: OpsNamespace, suite: OpsSuite, c: NnGoldenCase, scale: number): Promise<Outcome> {
  const run = (suite === 'image' ? IMAGE_RUN : NN_RUN)[c.op]
  if (!run) return `no runner for golden op ${c.op}`
  const dtypeMap = dtypeMapOf(b)
  const lack = missing(b, [...c.inputs, ...c.outputs].flatMap((a) => (a ? [nnDType(a)] : [])), dtypeMap)
  if (lack) return lack
  const out = tidy(() => withDefaultBackend(b, () => {
    const r = run(ops, c.inputs.map((a) => fromGolden(a, b, dtypeMap)), c.kwargs)
    return Array.isArray(r) ? r as Tensor[] : [r as Tensor]
  }))
  return settle(out, async () => {
    if (out.length !== c.outputs.length) return [`${out.length} outputs, expected ${c.outputs.length}`]
    const problems = wrongBackend(out, b)
    for (let i = 0; i < out.length; i++) {
      const e = c.outputs[i]!
      const d = nnDType(e, dtypeMap)
      const tol = nnTolerance(c, d) * (isFloat(d) ? scale : 1)
      // NOTE: as `@kx/ops-nn`'s own golden test, nn dtypes are not compared (kx keeps float64 where Keras computes
      // attention and CTC in float32); image dtypes are.
      problems.push(...await nnOutProblems(out[i]!, e, tol, `${c.id}[${i}]`, suite === 'image' ? dtypeMap : null))
    }
    return problems
  })
}

/** Gradient of Σ w ⊙ f(xs) with respect to every input, on `b`, in `dtype`; read to host. */
async function gradOn(b: Backend, dtype: DType, inputs: readonly { shape: readonly number[]; values: ArrayLike<number> }[], f: (...xs: Tensor[]) => Tensor): Promise<Float64Array[]> {
  const gs = tidy(() => withDefaultBackend(b, () => {
    const xs = inputs.map((a) => tensor(Float64Array.from(a.values), { shape: a.shape, dtype, backend: b }))
    const loss = (...ys: Tensor[]): Tensor => {
      const y = f(...ys)
      const w = tensor(lossWeights(y.size), { shape: y.shape, dtype: y.dtype, backend: b })
      return lax.reduceSum(lax.mul(y, w), y.shape.map((_, i) => i))
    }
    return grad(loss, { argnums: xs.map((_, i) => i) })(...xs) as Tensor[]
  }))
  try { return await Promise.all(gs.map(async (g) => Float64Array.from(await g.data() as ArrayLike<number>))) } finally { gs.forEach((g) => g.dispose()) }
}

function compareGrads(got: readonly Float64Array[], want: readonly Float64Array[], names: readonly string[]): string[] {
  return want.flatMap((w, i) => {
    const diff = compareArrays(got[i]!, w, 'float32', GRAD_TOL)
    return diff ? [`gradient of ${names[i]}: ${diff}`] : []
  })
}

const TO_F64: Partial<Record<DType, DType>> = { float32: 'float64', float16: 'float64', bfloat16: 'float64' }
const TO_F32: Partial<Record<DType, DType>> = { float64: 'float32', float16: 'float32', bfloat16: 'float32' }

async function numpyGrad(b: Backend, ref: Backend, ops: OpsNamespace, c: NumpyGoldenCase): Promise<Outcome> {
  if (!b.capabilities.training) return { unsupported: 'backend does not declare training' }
  const dtypeMap = dtypeMapOf(b)
  const lack = missing(b, numpyCaseDtypes(c).filter((d) => !isFloat(d)), dtypeMap)
  if (lack) return lack
  const fn = resolveOp(ops, c.op)
  if (!fn) return `op not implemented: ${c.op}`
  // Host copies of the tensor arguments; float ones are differentiated (float64 on reference, float32 on b).
  const host = tidy(() => caseArgs(ops, c, { backend: ref }))
  const floatArgs = host.args.flatMap((a, i) => (a instanceof Tensor && isFloat(a.dtype) && a.size > 0 ? [i] : []))
  if (floatArgs.length === 0) return { na: 'no floating-point tensor argument' }
  const values = floatArgs.map((i) => { const a = host.args[i] as Tensor; return { shape: a.shape, values: a.dataSync() as ArrayLike<number> } })
  const build = (on: Backend) => (...xs: Tensor[]): Tensor => {
    const { args, kwargs } = caseArgs(ops, c, { backend: on, dtypeMap: on === ref ? TO_F64 : TO_F32 })
    floatArgs.forEach((k, j) => { args[k] = xs[j] })
    return (Object.keys(kwargs).length ? fn(...args, kwargs) : fn(...args)) as Tensor
  }
  for (const x of collectTensors(host)) (x as Tensor).dispose()
  const want = await gradOn(ref, 'float64', values, build(ref))
  const got = await gradOn(b, 'float32', values, build(b))
  return compareGrads(got, want, floatArgs.map((k) => `argument ${k}`))
}

async function nnGrad(b: Backend, ref: Backend, ops: OpsNamespace, g: NnGradCase): Promise<Outcome> {
  if (!b.capabilities.training) return { unsupported: 'backend does not declare training' }
  const want = await gradOn(ref, 'float64', g.inputs, g.fn(ops, 'float64'))
  const got = await gradOn(b, 'float32', g.inputs, g.fn(ops, 'float32'))
  return compareGrads(got, want, g.inputs.map((_, i) => `input ${i}`))
}

/**
 * A `filter` keeping the first `n` value cases of every op and every gradient case: a representative subset for
 * engines too slow to run every golden case in CI (say so in the `note` option).
 *
 * @example
 * ```ts
 * runOpsConformance(factory, api, { name: 'webgpu', filter: firstCasesPerOp(1), note: 'first case of each op' }, cases)
 * ```
 */
export function firstCasesPerOp(n: number): (suite: OpsSuite, op: string, caseName: string, check: OpsCheckKind) => boolean {
  const seen = new Map<string, Set<string>>()
  return (suite, op, caseName, check) => {
    if (check === 'grad') return true
    const key = `${suite}:${op}`
    const names = seen.get(key) ?? new Set<string>()
    seen.set(key, names)
    if (names.has(caseName)) return true
    if (names.size >= n) return false
    names.add(caseName)
    return true
  }
}
