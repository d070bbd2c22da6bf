/**
 * @file Linear primitives: `dot_general`, the N-d convolution and its two adjoints, pooling windows
 * (`reduce_window`) and max-pool's scatter (`select_and_scatter_add`). Shape/dtype rules and VJPs.
 */
import { DTypeError, InvalidArgumentError, NotImplementedError, ShapeError, fmt } from '../errors.js'
import { isBool, isFloat, type DType } from '../dtype.js'
import type { Dim } from '../shape.js'
import type { Tensor } from '../tensor.js'
import * as lax from '../lax.js'
import { full } from '../creation.js'
import { definePrimitive, needsCt } from './def.js'
import type { AbstractValue, ConvParams, PadPair, WindowParams } from './types.js'

const range = (a: number, b: number): number[] => Array.from({ length: Math.max(0, b - a) }, (_, i) => a + i)
const isIntIn = (v: unknown, lo: number): boolean => typeof v === 'number' && Number.isInteger(v) && v >= lo
const isPadList = (p: unknown, n: number): boolean => Array.isArray(p) && p.length === n
  && p.every((q) => Array.isArray(q) && q.length === 2 && Number.isInteger(q[0]) && Number.isInteger(q[1]))

function numericDtype(prim: string, inputs: readonly AbstractValue[]): DType {
  const d = inputs[0]!.dtype
  if (inputs.some((x) => x.dtype !== d)) {
    throw new DTypeError(`Primitive \`${prim}\` needs operands of one dtype (ops promote first). Received: dtypes=${inputs.map((x) => x.dtype).join(', ')}`)
  }
  if (isBool(d)) throw new DTypeError(`Primitive \`${prim}\` does not take boolean operands; cast them to a numeric dtype. Received: dtype=${d}`)
  return d
}
const dimsMatch = (a: Dim, b: Dim): boolean => a === null || b === null || a === b
const scalar = (like: Tensor, v: number): Tensor => full([], v, like.dtype, like.isSymbolic ? undefined : like.backend)

// ---------------------------------------------------------------------------------------------
// dot_general

/** @internal The shape rule of `dot_general`: checks the dimension numbers, returns the output dims. */
export function dotGeneralShape(lhs: readonly Dim[], rhs: readonly Dim[], contracting: readonly [readonly number[], readonly number[]], batch: readonly [readonly number[], readonly number[]]): Dim[] {
  // NOTE: built only on error (this runs on every matmul / conv).
  const received = (): string => `Received: lhs.shape=${fmt(lhs)}, rhs.shape=${fmt(rhs)}, contracting=${fmt(contracting)}, batch=${fmt(batch)}`
  const [lc, rc] = contracting
  const [lb, rb] = batch
  if (lc.length !== rc.length || lb.length !== rb.length) {
    throw new InvalidArgumentError(`Primitive \`dot_general\` needs as many lhs as rhs contracting (and batch) dimensions. ${received()}`)
  }
  const check = (dims: readonly number[], rank: number): void => {
    if (!dims.every((d) => isIntIn(d, 0) && d < rank) || new Set(dims).size !== dims.length) {
      throw new InvalidArgumentError(`Primitive \`dot_general\` got out-of-range or repeated dimension numbers. ${received()}`)
    }
  }
  check([...lc, ...lb], lhs.length)
  check([...rc, ...rb], rhs.length)
  for (let i = 0; i < lc.length; i++) {
    if (!dimsMatch(lhs[lc[i]!]!, rhs[rc[i]!]!)) throw new ShapeError(`Primitive \`dot_general\` contracts dimensions of different sizes. ${received()}`)
  }
  for (let i = 0; i < lb.length; i++) {
    if (!dimsMatch(lhs[lb[i]!]!, rhs[rb[i]!]!)) throw new ShapeError(`Primitive \`dot_general\` has batch dimensions of different sizes. ${received()}`)
  }
  const lFree = range(0, lhs.length).filter((d) => !lc.includes(d) && !lb.includes(d))
  const rFree = range(0, rhs.length).filter((d) => !rc.includes(d) && !rb.includes(d))
  return [...lb.map((d, i) => lhs[d] ?? rhs[rb[i]!]!), ...lFree.map((d) => lhs[d]!), ...rFree.map((d) => rhs[d]!)]
}

/**
 * Cotangent of one dot_general operand `x` given the output cotangent `g` and the other operand:
 * contract g's "other free" dims with the other's free dims, batch over the batch dims, then
 * transpose the result to x's own dimension order. Uses only dot_general and transpose.
 */
function dotTransposeOperand(g: Tensor, other: Tensor, xRank: number, xDims: { c: readonly number[]; b: readonly number[] },
  oDims: { c: readonly number[]; b: readonly number[] }, xIsLhs: boolean): Tensor {
  const nb = xDims.b.length
  const xFree = range(0, xRank).filter((d) => !xDims.c.includes(d) && !xDims.b.includes(d))
  const oFree = range(0, other.shape.length).filter((d) => !oDims.c.includes(d) && !oDims.b.includes(d))
  // g = [batch, lhsFree, rhsFree]: where the other operand's free dims sit in g.
  const gOther = xIsLhs ? range(nb + xFree.length, nb + xFree.length + oFree.length) : range(nb, nb + oFree.length)
  const gBatch = range(0, nb)
  // The other's contracting dims survive as free dims, in ascending order; map them back to x's dims.
  const xContractByOther = xDims.c.map((d, i) => [oDims.c[i]!, d] as const).sort((a, b) => a[0] - b[0]).map((p) => p[1])
  // NOTE: g goes first for lhs and last for rhs so that plain (batched) matmul needs no transpose.
  const r = xIsLhs
    ? lax.dotGeneral(g, other, [gOther, oFree], [gBatch, oDims.b])
    : lax.dotGeneral(other, g, [oFree, gOther], [oDims.b, gBatch])
  const order = xIsLhs ? [...xDims.b, ...xFree, ...xContractByOther] : [...xDims.b, ...xContractByOther, ...xFree]
  return lax.transpose(r, range(0, xRank).map((d) => order.indexOf(d)))
}

export const dot_general = definePrimitive({
  name: 'dot_general',
  abstractEval: (inputs, { contracting, batch }) => {
    const dtype = numericDtype('dot_general', inputs)
    return [{ shape: dotGeneralShape(inputs[0]!.shape, inputs[1]!.shape, contracting, batch), dtype }]
  },
  // d(x·y) = dx·y + x·dy: each operand's cotangent contracts g with the other operand.
  vjp: (args) => {
    const { cotangents: [g], inputs: [x, y], params: { contracting, batch } } = args
    if (!g || !isFloat(x!.dtype)) return [null, null]
    const ld = { c: contracting[0], b: batch[0] }
    const rd = { c: contracting[1], b: batch[1] }
    return [
      needsCt(args, 0) ? dotTransposeOperand(g, y!, x!.shape.length, ld, rd, true) : null,
      needsCt(args, 1) ? dotTransposeOperand(g, x!, y!.shape.length, rd, ld, false) : null,
    ]
  },
})

// ---------------------------------------------------------------------------------------------
// Convolution

/** Output size of one windowed dim: floor((dilatedIn + lo + hi - dilatedWindow) / stride) + 1; null if unknown. */
function windowOut(n: Dim, k: Dim, stride: number, pad: PadPair, lhsDil: number, rhsDil: number): Dim {
  if (n === null || k === null) return null
  const dilatedIn = n === 0 ? 0 : (n - 1) * lhsDil + 1
  const dilatedWindow = k === 0 ? 0 : (k - 1) * rhsDil + 1
  return Math.floor((dilatedIn + pad[0] + pad[1] - dilatedWindow) / stride) + 1
}

function checkConvParams(prim: string, s: number, p: ConvParams, received: () => string): void {
  const ok = isIntIn(p.featureGroupCount, 1) && isPadList(p.padding, s)
    && [p.windowStrides, p.lhsDilation, p.rhsDilation].every((a) => Array.isArray(a) && a.length === s && a.every((v) => isIntIn(v, 1)))
  if (!ok) {
    throw new InvalidArgumentError(`Primitive \`${prim}\` needs ${s} positive strides and dilations, ${s} [lo, hi] padding pairs and a positive featureGroupCount (one entry per spatial dim). ${received()}, params=${fmt(p)}`)
  }
}

/**
 * @internal The shape rule of `conv_general_dilated` (channels_last): validates lhs
 * `[N, ...spatial, Cin]` and rhs `[...window, Cin/groups, Cout]`, returns `[N, ...outSpatial, Cout]`.
 */
export function convShape(prim: string, lhs: readonly Dim[], rhs: readonly Dim[], p: ConvParams): Dim[] {
  // NOTE: built only on error (this runs on every matmul / conv).
  const received = (): string => `Received: lhs.shape=${fmt(lhs)}, rhs.shape=${fmt(rhs)}`
  const s = lhs.length - 2
  if (s < 1 || s > 3 || rhs.length !== lhs.length) {
    throw new ShapeError(`Primitive \`${prim}\` needs lhs [N, ...spatial, Cin] and rhs [...window, Cin/groups, Cout] of equal rank with 1 to 3 spatial dims. ${received()}`)
  }
  checkConvParams(prim, s, p, received)
  const groups = p.featureGroupCount
  const cin = lhs[s + 1]!
  const cout = rhs[s + 1]!
  if (cin !== null && cin % groups !== 0) throw new ShapeError(`Primitive \`${prim}\`: input channels must be divisible by featureGroupCount. ${received()}, featureGroupCount=${groups}`)
  if (cout !== null && cout % groups !== 0) throw new ShapeError(`Primitive \`${prim}\`: output channels must be divisible by featureGroupCount. ${received()}, featureGroupCount=${groups}`)
  if (!dimsMatch(cin === null ? null : cin / groups, rhs[s]!)) {
    throw new ShapeError(`Primitive \`${prim}\`: the kernel's input-channel dim must equal input channels / featureGroupCount. ${received()}, featureGroupCount=${groups}`)
  }
  const spatial = range(0, s).map((d) => windowOut(lhs[d + 1]!, rhs[d]!, p.windowStrides[d]!, p.padding[d]!, p.lhsDilation[d]!, p.rhsDilation[d]!))
  if (spatial.some((o) => o !== null && o <= 0)) {
    throw new ShapeError(`Primitive \`${prim}\` gives an empty output: the (dilated, padded) input is smaller than the (dilated) window. ${received()}, windowStrides=${fmt(p.windowStrides)}, padding=${fmt(p.padding)}, lhsDilation=${fmt(p.lhsDilation)}, rhsDilation=${fmt(p.rhsDilation)}, outSpatial=${fmt(spatial)}`)
  }
  return [lhs[0]!, ...spatial, cout]
}

/** Only the shared ConvParams (the adjoints carry one extra shape param). */
const convParams = (p: ConvParams): ConvParams => ({
  windowStrides: p.windowStrides, padding: p.padding, lhsDilation: p.lhsDilation, rhsDilation: p.rhsDilation, featureGroupCount: p.featureGroupCount,
})

function checkCotangentShape(prim: string, expected: readonly Dim[], got: readonly Dim[], what: string): void {
  if (expected.length !== got.length || !expected.every((d, i) => dimsMatch(d, got[i]!))) {
    throw new ShapeError(`Primitive \`${prim}\` got an output cotangent whose shape does not match the convolution of ${what}. Received: cotangent.shape=${fmt(got)}, expected=${fmt(expected)}`)
  }
}

export const conv_general_dilated = definePrimitive({
  name: 'conv_general_dilated',
  abstractEval: (inputs, params) => {
    const dtype = numericDtype('conv_general_dilated', inputs)
    return [{ shape: convShape('conv_general_dilated', inputs[0]!.shape, inputs[1]!.shape, params), dtype }]
  },
  // conv is bilinear: its adjoints in lhs and rhs are the two transpose primitives.
  vjp: (args) => {
    const { cotangents: [g], inputs: [lhs, rhs], params } = args
    if (!g || !isFloat(lhs!.dtype)) return [null, null]
    const p = convParams(params)
    return [
      needsCt(args, 0) ? lax.convTransposeLhs(g, rhs!, p, lhs!.shape) : null,
      needsCt(args, 1) ? lax.convTransposeRhs(lhs!, g, p, rhs!.shape) : null,
    ]
  },
})

export const conv_transpose_lhs = definePrimitive({
  name: 'conv_transpose_lhs',
  abstractEval: (inputs, params) => {
    const dtype = numericDtype('conv_transpose_lhs', inputs)
    const [ct, rhs] = inputs
    const lhsShape = params.lhsShape as readonly Dim[]
    // An unknown batch in lhsShape (symbolic tracing) is taken from the cotangent.
    const lhs = lhsShape.map((d, i) => (d === null && i === 0 ? ct!.shape[0] ?? null : d))
    checkCotangentShape('conv_transpose_lhs', convShape('conv_transpose_lhs', lhs, rhs!.shape, params), ct!.shape, `lhsShape=${fmt(lhsShape)} with rhs.shape=${fmt(rhs!.shape)}`)
    return [{ shape: lhs, dtype }]
  },
  // <T_lhs(ct, w), G> = <ct, conv(G, w)> = <w, T_rhs(G, ct)>
  vjp: (args) => {
    const { cotangents: [g], inputs: [ct, rhs], params } = args
    if (!g || !isFloat(ct!.dtype)) return [null, null]
    const p = convParams(params)
    return [needsCt(args, 0) ? lax.conv(g, rhs!, p) : null, needsCt(args, 1) ? lax.convTransposeRhs(g, ct!, p, rhs!.shape) : null]
  },
})

export const conv_transpose_rhs = definePrimitive({
  name: 'conv_transpose_rhs',
  abstractEval: (inputs, params) => {
    const dtype = numericDtype('conv_transpose_rhs', inputs)
    const [lhs, ct] = inputs
    checkCotangentShape('conv_transpose_rhs', convShape('conv_transpose_rhs', lhs!.shape, params.rhsShape, params), ct!.shape, `lhs.shape=${fmt(lhs!.shape)} with rhsShape=${fmt(params.rhsShape)}`)
    return [{ shape: params.rhsShape, dtype }]
  },
  // <T_rhs(x, ct), G> = <ct, conv(x, G)> = <x, T_lhs(ct, G)>
  vjp: (args) => {
    const { cotangents: [g], inputs: [lhs, ct], params } = args
    if (!g || !isFloat(lhs!.dtype)) return [null, null]
    const p = convParams(params)
    return [needsCt(args, 0) ? lax.convTransposeLhs(ct!, g, p, lhs!.shape) : null, needsCt(args, 1) ? lax.conv(lhs!, g, p) : null]
  },
})

// ---------------------------------------------------------------------------------------------
// Pooling windows

/** @internal The shape rule of windowed reductions over every dim of the operand. */
export function windowShape(prim: string, x: readonly Dim[], w: WindowParams): Dim[] {
  const r = x.length
  const ok = isPadList(w.padding, r) && [w.windowDimensions, w.windowStrides].every((a) => Array.isArray(a) && a.length === r && a.every((v) => isIntIn(v, 1)))
  if (!ok) {
    throw new InvalidArgumentError(`Primitive \`${prim}\` needs one positive window size, one positive stride and one [lo, hi] padding pair per operand dim. Received: operand.shape=${fmt(x)}, windowDimensions=${fmt(w.windowDimensions)}, windowStrides=${fmt(w.windowStrides)}, padding=${fmt(w.padding)}`)
  }
  const out = x.map((n, d) => windowOut(n, w.windowDimensions[d]!, w.windowStrides[d]!, w.padding[d]!, 1, 1))
  if (out.some((o, d) => o !== null && (o < 0 || (o === 0 && x[d] !== 0)))) {
    throw new ShapeError(`Primitive \`${prim}\` gives an empty output: a padded dim is smaller than its window. Received: operand.shape=${fmt(x)}, windowDimensions=${fmt(w.windowDimensions)}, windowStrides=${fmt(w.windowStrides)}, padding=${fmt(w.padding)}`)
  }
  return out.map((o) => (o === null ? null : Math.max(0, o)))
}

const windowOf = (p: WindowParams): WindowParams => ({ windowDimensions: p.windowDimensions, windowStrides: p.windowStrides, padding: p.padding })

/**
 * Transpose of a sum-window (JAX's formulation): spread the cotangent back by padding it with
 * `stride - 1` interior zeros and the edge padding of the transposed window, then sum-window it
 * with stride 1. The window is all ones, so it needs no reversal.
 */
function sumWindowTranspose(g: Tensor, operandShape: readonly number[], w: WindowParams): Tensor {
  const lo: number[] = []
  const hi: number[] = []
  operandShape.forEach((n, d) => {
    const k = w.windowDimensions[d]!
    const s = w.windowStrides[d]!
    const m = g.shape[d] as Dim
    const before = k - 1 - w.padding[d]![0]
    lo.push(before)
    if (n === null || m === null) {
      // An unknown dim (symbolic batch) is fine where the window does not touch it.
      if (k === 1 && s === 1 && w.padding[d]![0] === 0 && w.padding[d]![1] === 0) { hi.push(0); return }
      throw new NotImplementedError(`The gradient of \`reduce_window\` needs known sizes along windowed dims. Received: operand.shape=${fmt(operandShape)}, windowDimensions=${fmt(w.windowDimensions)}`)
    }
    hi.push(n + k - 1 - (m === 0 ? 0 : (m - 1) * s + 1) - before)
  })
  const padded = lax.pad(g, scalar(g, 0), lo, hi, w.windowStrides.map((s) => s - 1))
  const ones = operandShape.map(() => 1)
  return lax.reduceWindow(padded, 'sum', { windowDimensions: w.windowDimensions, windowStrides: ones, padding: ones.map(() => [0, 0] as const) })
}

export const reduce_window = definePrimitive({
  name: 'reduce_window',
  abstractEval: ([x], params) => {
    const dtype = numericDtype('reduce_window', [x!])
    if (!['sum', 'max', 'min'].includes(params.computation)) {
      throw new InvalidArgumentError(`Primitive \`reduce_window\` computes "sum", "max" or "min". Received: computation=${fmt(params.computation)}`)
    }
    return [{ shape: windowShape('reduce_window', x!.shape, params), dtype }]
  },
  vjp: ({ cotangents: [g], inputs: [x], params }) => {
    if (!g || !isFloat(x!.dtype)) return [null]
    const w = windowOf(params)
    if (params.computation === 'sum') return [sumWindowTranspose(g, x!.shape, w)]
    // max picks each window's first maximum; min is max of the negated operand.
    return [lax.selectAndScatterAdd(g, params.computation === 'max' ? x! : lax.neg(x!), w)]
  },
})

/**
 * Transpose of `select_and_scatter_add` in its source: `out[w] = G[argmax of window w]`, written
 * with window-offset slices so it stays differentiable: for each window offset k (row-major, the
 * order the forward pass scans), take the strided slice of the padded operand, cotangent and
 * validity mask; the first offset whose value equals the window max (and is not padding) wins.
 */
function selectAndGather(gOperand: Tensor, operand: Tensor, w: WindowParams, outShape: readonly number[]): Tensor {
  const r = operand.shape.length
  if ([...operand.shape, ...outShape].some((d) => (d as Dim) === null)) {
    throw new NotImplementedError(`Second-order max/min-pool gradients need fully known shapes. Received: operand.shape=${fmt(operand.shape)}`)
  }
  const where = operand.isSymbolic ? undefined : operand.backend
  if (outShape.some((d) => d === 0)) return full(outShape, 0, gOperand.dtype, where)
  const lo = w.padding.map((p) => p[0])
  const hi = w.padding.map((p) => p[1])
  const xp = lax.pad(operand, scalar(operand, -Infinity), lo, hi)
  const gp = lax.pad(gOperand, scalar(gOperand, 0), lo, hi)
  const validp = lax.pad(full(operand.shape, true, 'bool', where), full([], false, 'bool', where), lo, hi)
  let offsets: number[][] = [[]]
  for (let d = 0; d < r; d++) offsets = offsets.flatMap((o) => range(0, w.windowDimensions[d]!).map((k) => [...o, k]))
  const at = (t: Tensor, k: readonly number[]): Tensor => lax.slice(t, k, k.map((kk, d) => kk + (outShape[d]! - 1) * w.windowStrides[d]! + 1), w.windowStrides)
  const xs = offsets.map((k) => at(xp, k))
  // Padding holds -inf, so the max over all offsets is the max over the window's real elements.
  const best = xs.reduce((m, v) => lax.max(m, v))
  let found = full(outShape, false, 'bool', where)
  let out = full(outShape, 0, gOperand.dtype, where)
  offsets.forEach((k, i) => {
    const hit = lax.binary('and', lax.binary('and', lax.eq(xs[i]!, best), at(validp, k)), lax.unary('not', found))
    out = lax.select(hit, at(gp, k), out)
    found = lax.binary('or', found, hit)
  })
  return out
}

export const select_and_scatter_add = definePrimitive({
  name: 'select_and_scatter_add',
  abstractEval: ([source, operand], params) => {
    const dtype = numericDtype('select_and_scatter_add', [source!, operand!])
    const expected = windowShape('select_and_scatter_add', operand!.shape, params)
    if (expected.length !== source!.shape.length || !expected.every((d, i) => dimsMatch(d, source!.shape[i]!))) {
      throw new ShapeError(`Primitive \`select_and_scatter_add\` needs a source shaped like the window output of the operand. Received: source.shape=${fmt(source!.shape)}, operand.shape=${fmt(operand!.shape)}, expected source.shape=${fmt(expected)}`)
    }
    return [{ shape: operand!.shape, dtype }]
  },
  // Linear in source; the operand only selects positions, so it gets no gradient.
  vjp: ({ cotangents: [g], inputs: [source, operand], params }) => {
    if (!g || !isFloat(source!.dtype)) return [null, null]
    return [selectAndGather(g, operand!, windowOf(params), source!.shape), null]
  },
})
