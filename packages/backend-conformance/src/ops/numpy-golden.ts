/**
 * @file The golden data of `@kx/ops-numpy` (written by `tools/golden/ops_numpy.py` with the real Keras 3 on
 * JAX): its JSON types, decoding onto any backend, calling the op by its Keras name, and comparison. The op
 * namespace is passed in, so the kit depends on `@kx/core` only and the ops packages' own tests use these
 * helpers too.
 */
import { Tensor, isFloat, tensor, type Backend, type DType } from '@kx/core'

/** A nested JSON value as the golden script encodes it (`'nan'`, `'inf'`, `'-inf'` for non-finite numbers). */
export type Enc = number | string | boolean | null | Enc[]
/** An encoded tensor: nested values, dtype, shape. */
export interface EncTensor { v: Enc; d: DType; s: number[] }
/** An item of a `get_item` key. */
export type EncKeyItem = null | number | string | { s: [number | null, number | null, number | null] } | { t: EncTensor } | { a: unknown[] }
/** An encoded argument: tensor, number, boolean, JSON value, list, or `get_item` key. */
export type EncArg = { t: EncTensor } | { n: number | string } | { b: boolean } | { j: unknown } | { l: EncArg[] } | { key: EncKeyItem[] }
/** An encoded output: a tensor, several outputs, or a plain Python value. */
export type EncOut = EncTensor | { multi: EncOut[] } | { py: unknown }
/** One golden case of `keras.ops` (numpy, linalg, math, core groups). */
export interface NumpyGoldenCase {
  name: string
  op: string
  args: EncArg[]
  kwargs: Record<string, EncArg>
  out?: EncOut
  error?: string
  message?: string
  grad?: boolean
  tol?: number
  sort_last?: boolean
}

/** A module of ops addressed by name (`@kx/ops-numpy`'s namespace, or `@kx/ops-nn`'s). */
export type OpsNamespace = Readonly<Record<string, unknown>>
type Fn = (...args: unknown[]) => unknown

/** Golden groups with value cases, and those whose `grad` cases the gradient checks use. */
export const NUMPY_GOLDEN_GROUPS = ['elementwise', 'reduction', 'shape', 'creation', 'products', 'indexing', 'linalg', 'math', 'core', 'getitem', 'rearrange'] as const
export const NUMPY_GRAD_GROUPS = ['elementwise', 'reduction', 'shape', 'products', 'indexing', 'linalg', 'getitem'] as const

/** Cases where kx deliberately differs from Keras-on-JAX, with the reason. */
export const NUMPY_DIVERGENCES: Readonly<Record<string, string>> = {
  'get_item/out-of-range': 'kx raises for an out-of-range integer index, as NumPy; JAX clamps it',
}

/** Outputs defined only up to the sign of each vector (eigenvectors, singular vectors): compared in absolute value. */
export const SIGN_FREE: Readonly<Record<string, readonly number[]>> = { 'linalg.eigh': [1], 'linalg.svd': [0, 2] }

/** A golden number (`'nan'`, `'inf'`, `'-inf'` decoded). */
export const num = (v: Enc): number => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : (v as number))
/** Flattens nested golden values to numbers (booleans as 0/1). */
export function flat(v: Enc): number[] {
  if (Array.isArray(v)) return v.flatMap(flat)
  if (typeof v === 'boolean') return [v ? 1 : 0]
  return [num(v)]
}

/** How golden data lands on a backend: which backend, and the dtype float64 becomes when the backend lacks it. */
export interface DecodeTarget {
  readonly backend?: Backend
  /** Dtype substitutions (e.g. `{ float64: 'float32' }` on float32-only engines). */
  readonly dtypeMap?: Readonly<Partial<Record<DType, DType>>>
}
const mapDType = (d: DType, t: DecodeTarget): DType => t.dtypeMap?.[d] ?? d

/** A tensor from an encoded golden tensor (on `target.backend`, else the active backend). */
export function decodeTensor(e: EncTensor, target: DecodeTarget = {}): Tensor {
  return tensor(Float64Array.from(flat(e.v)), { shape: e.s, dtype: mapDType(e.d, target), ...(target.backend ? { backend: target.backend } : {}) })
}

function decodeKeyItem(ops: OpsNamespace, k: EncKeyItem, target: DecodeTarget): unknown {
  if (k === null || typeof k === 'number' || typeof k === 'string') return k
  if ('s' in k) return (ops['S'] as Fn)(k.s[0], k.s[1], k.s[2])
  if ('t' in k) return decodeTensor(k.t, target)
  return k.a
}

/** Decodes one argument (tensors onto `target`). */
export function decodeArg(ops: OpsNamespace, a: EncArg, target: DecodeTarget = {}): unknown {
  if ('key' in a) return a.key.map((k) => decodeKeyItem(ops, k, target))
  if ('t' in a) return decodeTensor(a.t, target)
  if ('n' in a) return num(a.n as Enc)
  if ('b' in a) return a.b
  if ('l' in a) return a.l.map((x) => decodeArg(ops, x, target))
  return a.j
}

/** snake_case → camelCase (Keras argument names to kx options). */
export const camel = (s: string): string => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())

/**
 * Keras op name (`add`, `linalg.det`, `math.top_k`) → the kx function in `ops`, or undefined when missing.
 *
 * @example
 * ```ts
 * import * as ops from '@kx/ops-numpy'
 * resolveOp(ops, 'math.top_k') // ops.math.topK
 * ```
 */
export function resolveOp(ops: OpsNamespace, name: string): ((...args: unknown[]) => unknown) | undefined {
  const parts = name.split('.')
  const special: Record<string, string> = { var: 'var_', switch: 'switch_' }
  let target: unknown
  if (parts.length === 2) {
    const ns = ops[parts[0]!] as Record<string, unknown> | undefined
    target = ns?.[special[parts[1]!] ?? camel(parts[1]!)] ?? ops[camel(parts[1]!)]
  } else target = ops[special[name] ?? camel(name)]
  return typeof target === 'function' ? (target as Fn) : undefined
}

/** The decoded positional arguments and options of a case. */
export function caseArgs(ops: OpsNamespace, c: NumpyGoldenCase, target: DecodeTarget = {}): { args: unknown[]; kwargs: Record<string, unknown> } {
  const args = c.args.map((a) => decodeArg(ops, a, target))
  // rearrange takes its axis lengths as one record, with the names as written
  const kwargs = Object.fromEntries(Object.entries(c.kwargs).map(([k, v]) => [c.op === 'rearrange' ? k : camel(k), decodeArg(ops, v, target)]))
  return { args, kwargs }
}

/** Calls a case's op with its decoded arguments (options last, when any). */
export function callNumpyCase(ops: OpsNamespace, c: NumpyGoldenCase, target: DecodeTarget = {}): unknown {
  const fn = resolveOp(ops, c.op)
  if (!fn) throw new Error(`missing op ${c.op}`)
  const { args, kwargs } = caseArgs(ops, c, target)
  return Object.keys(kwargs).length ? fn(...args, kwargs) : fn(...args)
}

/** Golden tolerance of a dtype (`override` from the case's `tol`); exact for ints and bools. */
export function numpyTolerance(d: DType, override?: number): { rtol: number; atol: number } {
  if (override) return { rtol: override, atol: override }
  if (d === 'float16') return { rtol: 2e-3, atol: 2e-3 }
  if (d === 'bfloat16') return { rtol: 2e-2, atol: 2e-2 }
  if (d === 'float32') return { rtol: 1e-4, atol: 2e-5 }
  return { rtol: 0, atol: 0 }
}

/** Problems where `actual` is not within `atol + rtol·|expected|` (NaN matches NaN, infinities exactly). */
export function closeProblems(actual: ArrayLike<number>, expected: readonly number[], tol: { rtol: number; atol: number }, where: string): string[] {
  if (actual.length !== expected.length) return [`${where}: length ${actual.length}, expected ${expected.length}`]
  let bad = 0
  let first = ''
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!
    const e = expected[i]!
    const ok = Number.isNaN(e) ? Number.isNaN(a) : !Number.isFinite(e) ? a === e : Math.abs(a - e) <= tol.atol + tol.rtol * Math.abs(e)
    if (!ok && bad++ === 0) first = `[${i}] got ${a}, want ${e}`
  }
  return bad ? [`${where}: ${bad}/${expected.length} values differ (rtol=${tol.rtol}, atol=${tol.atol}); first ${first}`] : []
}

/** Options of `numpyOutProblems`. */
export interface OutCompareOptions {
  /** The case's `tol` override. */
  readonly tol?: number
  /** Sort values before comparing (outputs whose order Keras leaves unspecified). */
  readonly sortLast?: boolean
  /** Multiplies the tolerance (float32 engines against float32 golden data). */
  readonly scale?: number
  /** Dtype substitutions applied to the expected dtypes (as in `DecodeTarget`). */
  readonly dtypeMap?: Readonly<Partial<Record<DType, DType>>>
}

/**
 * Compares an op's output (tensor, list of tensors, or plain value) with the golden output: dtype,
 * shape, then values. Reads asynchronously, so it works on engines without sync reads.
 */
export async function numpyOutProblems(actual: unknown, expected: EncOut, where: string, o: OutCompareOptions = {}): Promise<string[]> {
  if ('multi' in expected) {
    if (!Array.isArray(actual)) return [`${where}: expected ${expected.multi.length} outputs, got one`]
    if (actual.length !== expected.multi.length) return [`${where}: ${actual.length} outputs, expected ${expected.multi.length}`]
    const all = await Promise.all(expected.multi.map((e, i) => numpyOutProblems(actual[i], e, `${where}#${i}`, o)))
    return all.flat()
  }
  const tolOf = (d: DType): { rtol: number; atol: number } => {
    const t = numpyTolerance(d, o.tol)
    const s = isFloat(d) ? (o.scale ?? 1) : 1
    return { rtol: t.rtol * s, atol: t.atol * s }
  }
  if ('py' in expected) {
    if (actual instanceof Tensor) return closeProblems(await actual.data() as ArrayLike<number>, flat(expected.py as Enc), tolOf(actual.dtype), where)
    return JSON.stringify(actual) === JSON.stringify(expected.py) ? [] : [`${where}: got ${JSON.stringify(actual)}, want ${JSON.stringify(expected.py)}`]
  }
  if (!(actual instanceof Tensor)) return [`${where}: expected a tensor, got ${typeof actual}`]
  const want = o.dtypeMap?.[expected.d] ?? expected.d
  if (actual.dtype !== want) return [`${where}: dtype ${actual.dtype}, expected ${want}`]
  if (actual.shape.length !== expected.s.length || actual.shape.some((d, i) => d !== expected.s[i])) {
    return [`${where}: shape [${actual.shape.join(', ')}], expected [${expected.s.join(', ')}]`]
  }
  const got = Array.from(await actual.data() as ArrayLike<number>)
  const values = flat(expected.v)
  if (o.sortLast) { got.sort((a, b) => a - b); values.sort((a, b) => a - b) }
  return closeProblems(got, values, tolOf(want), where)
}

/** Takes the absolute value of the sign-free outputs (`SIGN_FREE`) of an op's result, with `abs` from `ops`. */
export function absOutputs(ops: OpsNamespace, op: string, out: unknown): unknown {
  const which = SIGN_FREE[op]
  if (!which || !Array.isArray(out)) return out
  return out.map((t, i) => (which.includes(i) ? (ops['abs'] as Fn)(t) : t))
}

/** The golden output with the sign-free outputs of `op` in absolute value. */
export function absExpected(op: string, e: EncOut): EncOut {
  const which = SIGN_FREE[op]
  if (!which || !('multi' in e)) return e
  const absEnc = (v: Enc): Enc => (Array.isArray(v) ? v.map(absEnc) : typeof v === 'number' ? Math.abs(v) : v)
  return { multi: e.multi.map((m, i) => (which.includes(i) && 'v' in m ? { ...m, v: absEnc(m.v) } : m)) }
}

/** Every encoded tensor dtype a case reads or expects (inputs and outputs). */
export function numpyCaseDtypes(c: NumpyGoldenCase): DType[] {
  const out = new Set<DType>()
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) { x.forEach(walk); return }
    if (x === null || typeof x !== 'object') return
    const o = x as Record<string, unknown>
    if (typeof o['d'] === 'string' && Array.isArray(o['s']) && 'v' in o) { out.add(o['d'] as DType); return }
    Object.values(o).forEach(walk)
  }
  walk([c.args, c.kwargs, c.out])
  return [...out]
}
