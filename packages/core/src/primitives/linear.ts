/**
 * @file Linear primitives: `dot_general`, the N-d convolution and its two adjoints, pooling windows
 * (`reduce_window`) and max-pool's scatter (`select_and_scatter_add`): shape/dtype rules (their VJP rules
 * live in `autodiff/rules/linear.ts`).
 */
import { DTypeError, InvalidArgumentError, ShapeError, fmt } from '../errors.js'
import { isBool, type DType } from '../dtype.js'
import type { Dim } from '../shape.js'
import { definePrimitive } from './def.js'
import type { AbstractValue, ConvParams, PadPair, WindowParams } from './types.js'

/** @internal `[a, a + 1, …, b - 1]`. */
export const range = (a: number, b: number): number[] => Array.from({ length: Math.max(0, b - a) }, (_, i) => a + i)
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

export const dot_general = definePrimitive({
  name: 'dot_general',
  abstractEval: (inputs, { contracting, batch }) => {
    const dtype = numericDtype('dot_general', inputs)
    return [{ shape: dotGeneralShape(inputs[0]!.shape, inputs[1]!.shape, contracting, batch), dtype }]
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
})

export const conv_transpose_rhs = definePrimitive({
  name: 'conv_transpose_rhs',
  abstractEval: (inputs, params) => {
    const dtype = numericDtype('conv_transpose_rhs', inputs)
    const [lhs, ct] = inputs
    checkCotangentShape('conv_transpose_rhs', convShape('conv_transpose_rhs', lhs!.shape, params.rhsShape, params), ct!.shape, `lhs.shape=${fmt(lhs!.shape)} with rhsShape=${fmt(params.rhsShape)}`)
    return [{ shape: params.rhsShape, dtype }]
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

export const reduce_window = definePrimitive({
  name: 'reduce_window',
  abstractEval: ([x], params) => {
    const dtype = numericDtype('reduce_window', [x!])
    if (!['sum', 'max', 'min'].includes(params.computation)) {
      throw new InvalidArgumentError(`Primitive \`reduce_window\` computes "sum", "max" or "min". Received: computation=${fmt(params.computation)}`)
    }
    return [{ shape: windowShape('reduce_window', x!.shape, params), dtype }]
  },
})

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
})
