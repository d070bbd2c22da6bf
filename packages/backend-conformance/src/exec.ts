/** @file Running one case on one backend: direct `Backend.run`, outputs canonicalised by `post`, and VJPs. */
import {
  abstractEval, bind, isFloat, KerasTensor, memory, tensor, tidy, vjp,
  type AbstractValue, type Backend, type BackendPrim, type BackendPrimParams, type DType, type Tensor,
} from '@kx/core'
import { caseId } from './cases/index.js'
import { cotangent, materialize, storageOf, type HostArray } from './data.js'
import type { ConformanceCase } from './types.js'

/** A case of any primitive (the runner treats parameters opaquely). */
export type AnyCase = ConformanceCase<BackendPrim>

/** The case's inputs, materialised from its seed. */
export function caseInputs(prim: BackendPrim, c: AnyCase): HostArray[] {
  const id = caseId(prim, c.name)
  return c.inputs.map((s, i) => materialize(id, i, s))
}

/** Describes a thrown value: error class and message. */
export function describeError(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e)
}

/** Output specs from the shared shape/dtype rule. */
export function specsOf(prim: BackendPrim, params: BackendPrimParams[BackendPrim], inputs: readonly HostArray[]): AbstractValue[] {
  return abstractEval(prim, inputs.map((a) => ({ shape: a.shape, dtype: a.dtype })), params)
}

/** Problems where the symbolic path (KerasTensor inputs) disagrees with the concrete specs. */
export function symbolicProblems(prim: BackendPrim, params: BackendPrimParams[BackendPrim], inputs: readonly HostArray[], specs: readonly AbstractValue[]): string[] {
  if (inputs.length === 0) return []
  const outs = bind(prim, inputs.map((a) => new KerasTensor(a.shape, a.dtype)), params)
  if (outs.length !== specs.length) return [`symbolic call gave ${outs.length} outputs, abstractEval ${specs.length}`]
  return outs.flatMap((o, i) => (sameSpec(o, specs[i]!) ? [] : [`symbolic output ${i} is ${fmtSpec(o)}, abstractEval says ${fmtSpec(specs[i]!)}`]))
}

const sameSpec = (a: AbstractValue, b: AbstractValue): boolean =>
  a.dtype === b.dtype && a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i])
export const fmtSpec = (a: AbstractValue): string => `${a.dtype}[${a.shape.join(', ')}]`

/** Dtypes the case needs that the backend does not declare. */
export function missingDtypes(backend: Backend, dtypes: readonly DType[]): DType[] {
  return [...new Set(dtypes)].filter((d) => !backend.capabilities.dtypes.has(d))
}

/**
 * Runs a primitive through `Backend.run` directly (no dispatch), reads every output and frees every
 * handle. Returns the outputs plus any contract problems (read length, host storage class, leaks).
 */
export async function runDirect(
  backend: Backend, prim: BackendPrim, params: BackendPrimParams[BackendPrim], inputs: readonly HostArray[], specs: readonly AbstractValue[],
): Promise<{ outputs: HostArray[]; problems: string[] }> {
  const problems: string[] = []
  const before = backend.memory?.().numTensors
  const ins = inputs.map((a) => ({ dataId: backend.upload(a.values, a.shape, a.dtype), shape: a.shape, dtype: a.dtype }))
  const outSpecs = specs.map((s) => ({ shape: s.shape as readonly number[], dtype: s.dtype }))
  let ids: unknown[] = []
  try {
    ids = backend.run(prim, ins, params, outSpecs)
    if (ids.length !== specs.length) problems.push(`run returned ${ids.length} outputs, expected ${specs.length}`)
    const outputs: HostArray[] = []
    for (let i = 0; i < Math.min(ids.length, specs.length); i++) {
      const spec = outSpecs[i]!
      const values = await backend.read({ dataId: ids[i], shape: spec.shape, dtype: spec.dtype })
      const size = spec.shape.reduce((a, b) => a * b, 1)
      if (values.length !== size) problems.push(`output ${i}: read ${values.length} values, spec ${fmtSpec(spec)} has ${size}`)
      if (values.constructor.name !== storageOf(spec.dtype)) problems.push(`output ${i}: read a ${values.constructor.name}, ${spec.dtype} is stored as ${storageOf(spec.dtype)}`)
      outputs.push({ shape: spec.shape, dtype: spec.dtype, values })
    }
    // A primitive must not write into its inputs (later reads of them would see the change).
    for (let i = 0; i < ins.length; i++) {
      const now = await backend.read(ins[i]!)
      const was = inputs[i]!.values
      if (now.length !== was.length || now.some((v, j) => !Object.is(v, was[j]) && !(Number.isNaN(v) && Number.isNaN(was[j] as number)))) {
        problems.push(`input ${i} was modified by the call (backends must not write into inputs)`)
      }
    }
    return { outputs, problems }
  } finally {
    for (const t of ins) backend.disposeData(t.dataId, t.dtype)
    ids.forEach((id, i) => backend.disposeData(id, outSpecs[i]?.dtype ?? 'float32'))
    const after = backend.memory?.().numTensors
    if (before !== undefined && after !== undefined && after > before) problems.push(`backend memory: ${after - before} tensors leaked by the call`)
  }
}

/** Uploads host arrays as tensors of `backend`. */
function upload(backend: Backend, arrays: readonly HostArray[]): Tensor[] {
  return arrays.map((a) => tensor(a.values, { shape: a.shape, dtype: a.dtype, backend }))
}

async function readAll(ts: readonly Tensor[]): Promise<HostArray[]> {
  return Promise.all(ts.map(async (t) => ({ shape: t.shape, dtype: t.dtype, values: await t.data() })))
}

/** Applies the case's `post` to outputs, on `backend` (the reference, so both sides see one computation). */
export async function applyPost(backend: Backend, c: AnyCase, outputs: HostArray[]): Promise<HostArray[]> {
  if (!c.post) return outputs
  const post = c.post
  const ts = upload(backend, outputs)
  const res = tidy(() => post(ts))
  const read = await readAll(res)
  for (const t of [...ts, ...res]) t.dispose()
  return read
}

/** The function the VJP and gradient checks differentiate: float outputs of `post ∘ prim ∘ pre`. */
export function caseFunction(prim: BackendPrim, params: BackendPrimParams[BackendPrim], c: AnyCase, all: readonly Tensor[], wrt: readonly number[]) {
  return (...xs: Tensor[]): Tensor[] => {
    const args = all.slice()
    wrt.forEach((k, j) => { args[k] = xs[j]! })
    const pre = c.pre ? c.pre(args) : args
    const outs = bind(prim, pre, params)
    const post = c.post ? c.post(outs) : outs
    return post.filter((t) => isFloat(t.dtype))
  }
}

/** The differentiated inputs of a case: `wrt`, or every floating-point input. */
export function wrtOf(c: AnyCase, inputs: readonly HostArray[]): number[] {
  return c.wrt ? [...c.wrt] : inputs.flatMap((a, i) => (isFloat(a.dtype) ? [i] : []))
}

/**
 * Input cotangents of the case on `backend`, for seeded output cotangents. Also reports tensors the
 * autodiff machinery left alive on that backend.
 */
export async function vjpOn(
  backend: Backend, prim: BackendPrim, params: BackendPrimParams[BackendPrim], c: AnyCase, inputs: readonly HostArray[], wrt: readonly number[],
): Promise<{ grads: HostArray[]; leaked: number }> {
  const count = (): number => memory().backends[backend.name]?.numTensors ?? 0
  const before = count()
  const id = caseId(prim, c.name)
  const ts = upload(backend, inputs)
  let grads: Tensor[] = []
  try {
    grads = tidy(() => {
      const [out, pullback, release] = vjp(caseFunction(prim, params, c, ts, wrt), ...wrt.map((k) => ts[k]!))
      try {
        const outs = out as Tensor[]
        const cts = outs.map((o, i) => upload(backend, [cotangent(id, i, o.shape, o.dtype)])[0]!)
        return pullback(cts)
      } finally { release() }
    })
    const read = await readAll(grads)
    for (const t of [...ts, ...grads]) t.dispose()
    return { grads: read, leaked: count() - before }
  } catch (e) {
    for (const t of [...ts, ...grads]) t.dispose()
    throw e
  }
}
