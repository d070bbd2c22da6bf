/**
 * @file Lowerings of dot_general (Transpose/Reshape/MatMul), the channels-last convolution family
 * (ONNX Conv / ConvTranspose in float32, a tap decomposition + MatMul otherwise) and the window
 * primitives (reduce_window, select_and_scatter_add) as strided slices per window tap.
 */
import type { ConvParams, DType, Dim, WindowParams } from '@kx/core'
import type { GraphBuilder, LVal } from '../onnx/builder.js'
import { ONNX_TYPE } from '../onnx/proto.js'
import { ARITH, I32_I64_F, ORDERED, computeDtype, fromCompute, type Lowering } from './common.js'
import { padGeneral } from './movement.js'
import { highest, lowest } from './reduce.js'

const MATMUL_TYPES: readonly DType[] = ['int32', 'int64', 'uint32', 'float32', 'float64']

const range = (n: number, from = 0): number[] => Array.from({ length: n }, (_, i) => from + i)
const prodOf = (ds: readonly Dim[]): number => (ds.some((d) => d === null) ? -1 : ds.reduce<number>((a, d) => a * d!, 1))
const isIdentity = (perm: readonly number[]): boolean => perm.every((p, i) => p === i)
const transpose = (b: GraphBuilder, x: string, perm: readonly number[]): string => (isIdentity(perm) ? x : b.transpose(x, perm))

/** dot_general: Transpose both sides to [batch, M, K] / [batch, K, N], MatMul, reshape to lax's output. */
const dotGeneral: Lowering<'dot_general'> = (b, [lhs, rhs], { contracting: [lc, rc], batch: [lb, rb] }, [o]) => {
  const L = lhs!
  const R = rhs!
  const c = computeDtype(L.dtype, MATMUL_TYPES) ?? b.unsupported('MatMul', `no MatMul kernel for ${L.dtype}`)
  const ln = b.cast(L.name, L.dtype, c)
  const rn = b.cast(R.name, R.dtype, c)
  const lFree = range(L.shape.length).filter((d) => !lc.includes(d) && !lb.includes(d))
  const rFree = range(R.shape.length).filter((d) => !rc.includes(d) && !rb.includes(d))
  const outRefs = (o!.shape as readonly Dim[]).map((d, i) => {
    if (d !== null) return d
    const nb = lb.length
    return i < nb ? ([L, lb[i]!] as const) : i < nb + lFree.length ? ([L, lFree[i - nb]!] as const) : ([R, rFree[i - nb - lFree.length]!] as const)
  })
  // Fast path (Dense): no batch, lhs contracts its last dim, rhs contracts its first.
  if (lb.length === 0 && lc.length === 1 && lc[0] === L.shape.length - 1 && rc.length === 1 && rc[0] === 0 && L.shape.length >= 1) {
    const rk = R.shape.length === 1 ? rn : R.shape.length === 2 ? rn : b.reshape(rn, [R.shape[0] ?? -1, prodOf(R.shape.slice(1))])
    let y = b.op('MatMul', [ln, rk])
    if (R.shape.length > 2 || (L.shape.length === 1 && R.shape.length === 1)) y = b.reshape(y, outRefs)
    return [fromCompute(b, y, c, o!.dtype)]
  }
  const batchDims = lb.map((d) => L.shape[d] ?? null)
  const M = prodOf(lFree.map((d) => L.shape[d]!))
  const K = prodOf(lc.map((d) => L.shape[d]!))
  const N = prodOf(rFree.map((d) => R.shape[d]!))
  const bRefs = lb.map((d, i) => batchDims[i] ?? ([L, d] as const))
  const l2 = b.reshape(transpose(b, ln, [...lb, ...lFree, ...lc]), [...bRefs, M, K])
  const r2 = b.reshape(transpose(b, rn, [...rb, ...rc, ...rFree]), [...bRefs, K, N])
  const y = b.reshape(b.op('MatMul', [l2, r2]), outRefs)
  return [fromCompute(b, y, c, o!.dtype)]
}

/** Multi-indices of a window, row-major. */
function tapsOf(win: readonly number[]): number[][] {
  const out: number[][] = [[]]
  for (const k of win) {
    const next: number[][] = []
    for (const t of out) for (let i = 0; i < k; i++) next.push([...t, i])
    out.splice(0, out.length, ...next)
  }
  return out
}

/** Strided slice of one window tap: `x[t·dil : t·dil + (out-1)·stride + 1 : stride]` on `axes`. */
function tapSlice(b: GraphBuilder, x: string, axes: readonly number[], tap: readonly number[], dil: readonly number[], strides: readonly number[], outSizes: readonly number[]): string {
  if (axes.length === 0) return x
  const starts = axes.map((a, j) => tap[j]! * dil[j]!)
  const ends = axes.map((a, j) => starts[j]! + (outSizes[j]! - 1) * strides[j]! + 1)
  return b.op('Slice', [x, b.i64(starts), b.i64(ends), b.i64(axes), b.i64(strides.slice())])
}

interface ConvGeom {
  readonly strides: readonly number[]
  readonly padding: readonly (readonly [number, number])[]
  readonly lhsDilation: readonly number[]
  readonly rhsDilation: readonly number[]
  readonly groups: number
}

const geom = (p: ConvParams): ConvGeom => ({ strides: p.windowStrides, padding: p.padding, lhsDilation: p.lhsDilation, rhsDilation: p.rhsDilation, groups: p.featureGroupCount })
const dilate = (n: number, d: number): number => (n === 0 ? 0 : (n - 1) * d + 1)

/**
 * Channels-last convolution `lhs [N, ...S, Cin]` ⊛ `rhs [...W, Cin/g, Cout]` → `[N, ...O, Cout]` in
 * compute dtype `c`. float32 runs ONNX Conv (negative padding and input dilation applied first);
 * other dtypes gather one strided slice per kernel tap and contract with MatMul (Einsum for groups).
 */
function convChannelsLast(b: GraphBuilder, lhs: LVal, rhs: LVal, g: ConvGeom, outShape: readonly Dim[], c: DType): string {
  const s = lhs.shape.length - 2
  const win = rhs.shape.slice(0, s) as number[]
  const cin = lhs.shape[s + 1]!
  const cout = rhs.shape[s + 1]!
  const cinG = cin / g.groups
  const coutG = cout / g.groups
  if (win.some((d) => d === null)) b.unsupported('Conv', 'the kernel has a dynamic size')
  const zero = b.scalar(0, c)
  const lo = g.padding.map((p) => p[0])
  const hi = g.padding.map((p) => p[1])
  if (c === 'float32' && s >= 1 && s <= 3) {
    // Input dilation and negative padding first; Conv takes the non-negative padding itself.
    const needPre = g.lhsDilation.some((d) => d > 1) || lo.some((v) => v < 0) || hi.some((v) => v < 0)
    let x = lhs.name
    if (needPre) {
      x = padGeneral(b, lhs, zero, [0, ...lo.map((v) => Math.min(v, 0)), 0], [0, ...hi.map((v) => Math.min(v, 0)), 0], [0, ...g.lhsDilation.map((d) => d - 1), 0]).name
    }
    const xNC = transpose(b, x, [0, s + 1, ...range(s, 1)])
    const w = transpose(b, rhs.name, [s + 1, s, ...range(s)])
    const y = b.op('Conv', [xNC, w], {
      strides: g.strides, dilations: g.rhsDilation, group: g.groups,
      pads: [...lo.map((v) => Math.max(v, 0)), ...hi.map((v) => Math.max(v, 0))],
    })
    return transpose(b, y, [0, ...range(s, 2), 1])
  }
  const padded = padGeneral(b, lhs, zero, [0, ...lo, 0], [0, ...hi, 0], [0, ...g.lhsDilation.map((d) => d - 1), 0])
  const outSp = outShape.slice(1, s + 1) as number[]
  const taps = tapsOf(win)
  const axes = range(s, 1)
  const slices = taps.map((t) => tapSlice(b, padded.name, axes, t, g.rhsDilation, g.strides, outSp))
  const patches = slices.length === 1 ? slices[0]! : b.op('Concat', slices, { axis: s + 1 })
  const T = taps.length
  const lead = [[lhs, 0] as const, ...outSp]
  if (g.groups === 1) {
    const k = b.reshape(rhs.name, [T * cinG, cout])
    return b.op('MatMul', [patches, k])
  }
  const p5 = b.reshape(patches, [...lead, T, g.groups, cinG])
  const k4 = b.reshape(rhs.name, [T, cinG, g.groups, coutG])
  const y = b.op('Einsum', [p5, k4], { equation: '...tgc,tcgo->...go' })
  return b.reshape(y, [...lead, cout])
}

/** Compute dtype of the conv family: float32 storage for half/float32, else a MatMul type. */
function convDtype(b: GraphBuilder, d: DType): DType {
  return computeDtype(d, I32_I64_F) ?? b.unsupported('Conv', `no convolution kernel for ${d}`)
}

const convForward: Lowering<'conv_general_dilated'> = (b, [lhs, rhs], p, [o]) => {
  const c = convDtype(b, lhs!.dtype)
  const L = { ...lhs!, name: b.cast(lhs!.name, lhs!.dtype, c), dtype: c }
  const R = { ...rhs!, name: b.cast(rhs!.name, rhs!.dtype, c), dtype: c }
  return [fromCompute(b, convChannelsLast(b, L, R, geom(p), o!.shape, c), c, o!.dtype)]
}

/** d lhs = conv(ct, flipped kernel with in/out swapped), input-dilated by the strides (lax's transpose rule). */
const convTransposeLhs: Lowering<'conv_transpose_lhs'> = (b, [ct, rhs], p, [o]) => {
  const s = rhs!.shape.length - 2
  const c = convDtype(b, ct!.dtype)
  const g = p.featureGroupCount
  const win = rhs!.shape.slice(0, s) as number[]
  const cinG = rhs!.shape[s]!
  const cout = rhs!.shape[s + 1]!
  const lhsSp = (o!.shape as Dim[]).slice(1, s + 1) as number[]
  const outSp = ct!.shape.slice(1, s + 1) as number[]
  const ctName = b.cast(ct!.name, ct!.dtype, c)
  const rName = b.cast(rhs!.name, rhs!.dtype, c)
  const before = win.map((k, i) => dilate(k, p.rhsDilation[i]!) - p.padding[i]![0] - 1)
  const after = win.map((k, i) => dilate(lhsSp[i]!, p.lhsDilation[i]!) + dilate(k, p.rhsDilation[i]!) - 1 - dilate(outSp[i]!, p.windowStrides[i]!) - before[i]!)
  const lo = p.padding.map((q) => q[0])
  const hi = p.padding.map((q) => q[1])
  if (c === 'float32' && s >= 1 && s <= 3 && p.lhsDilation.every((d) => d === 1) && lo.every((v) => v >= 0) && hi.every((v) => v >= 0)) {
    const outPad = lhsSp.map((n, i) => n - (p.windowStrides[i]! * (outSp[i]! - 1) + dilate(win[i]!, p.rhsDilation[i]!) - lo[i]! - hi[i]!))
    if (outPad.every((v, i) => v >= 0 && v < Math.max(p.windowStrides[i]!, p.rhsDilation[i]!))) {
      const x = transpose(b, ctName, [0, s + 1, ...range(s, 1)])
      const w = transpose(b, rName, [s + 1, s, ...range(s)])
      const y = b.op('ConvTranspose', [x, w], {
        strides: p.windowStrides, dilations: p.rhsDilation, group: g, pads: [...lo, ...hi], output_padding: outPad,
      })
      return [fromCompute(b, transpose(b, y, [0, ...range(s, 2), 1]), c, o!.dtype)]
    }
  }
  // kernel' [...W, cout/g, cin]: kernel'[w, co, grp·cinG + ci] = rhs[flip(w), ci, grp·coutG + co]
  const coutG = cout / g
  let k = b.reshape(rName, [...win, cinG, g, coutG])
  k = b.op('Transpose', [k], { perm: [...range(s), s + 2, s + 1, s] })
  k = b.reshape(k, [...win, coutG, g * cinG])
  k = b.op('Slice', [k, b.i64(range(s).map(() => -1)), b.i64(range(s).map(() => -(2 ** 63))), b.i64(range(s)), b.i64(range(s).map(() => -1))])
  const geomT: ConvGeom = { strides: p.lhsDilation, padding: before.map((v, i) => [v, after[i]!] as const), lhsDilation: p.windowStrides, rhsDilation: p.rhsDilation, groups: g }
  const y = convChannelsLast(b, { ...ct!, name: ctName, dtype: c }, { name: k, shape: [...win, coutG, g * cinG], dtype: c }, geomT, o!.shape, c)
  return [fromCompute(b, y, c, o!.dtype)]
}

/**
 * d rhs = conv of lhs (batch ↔ features swapped) with ct as the kernel: strides and kernel dilation
 * trade places (lax's transpose rule); feature groups become batch groups, run one group at a time.
 */
const convTransposeRhs: Lowering<'conv_transpose_rhs'> = (b, [lhs, ct], p, [o]) => {
  const s = lhs!.shape.length - 2
  const c = convDtype(b, lhs!.dtype)
  const g = p.featureGroupCount
  const win = (o!.shape as number[]).slice(0, s)
  const lhsSp = lhs!.shape.slice(1, s + 1) as number[]
  const outSp = ct!.shape.slice(1, s + 1) as number[]
  const cin = lhs!.shape[s + 1]!
  const cout = ct!.shape[s + 1]!
  const lo = p.padding.map((q) => q[0])
  const hi = win.map((k, i) => dilate(outSp[i]!, p.windowStrides[i]!) - dilate(lhsSp[i]!, p.lhsDilation[i]!) + dilate(k, p.rhsDilation[i]!) - lo[i]! - 1)
  const geomT: ConvGeom = { strides: p.rhsDilation, padding: lo.map((v, i) => [v, hi[i]!] as const), lhsDilation: p.lhsDilation, rhsDilation: p.windowStrides, groups: 1 }
  const lName = b.cast(lhs!.name, lhs!.dtype, c)
  const ctName = b.cast(ct!.name, ct!.dtype, c)
  const cinG = cin / g
  const coutG = cout / g
  const parts: string[] = []
  for (let j = 0; j < g; j++) {
    const lj = g === 1 ? lName : b.op('Slice', [lName, b.i64([j * cinG]), b.i64([(j + 1) * cinG]), b.i64([s + 1])])
    const cj = g === 1 ? ctName : b.op('Slice', [ctName, b.i64([j * coutG]), b.i64([(j + 1) * coutG]), b.i64([s + 1])])
    // lhs' [cinG, ...S, N] and kernel' [...O, N, coutG]
    const l2: LVal = { name: transpose(b, lj, [s + 1, ...range(s, 1), 0]), shape: [cinG, ...lhsSp, lhs!.shape[0]!], dtype: c }
    const k2: LVal = { name: transpose(b, cj, [...range(s, 1), 0, s + 1]), shape: [...outSp, ct!.shape[0]!, coutG], dtype: c }
    parts.push(convChannelsLast(b, l2, k2, geomT, [cinG, ...win, coutG], c))
  }
  const y = parts.length === 1 ? parts[0]! : b.op('Concat', parts, { axis: s + 1 })
  return [fromCompute(b, transpose(b, y, [...range(s, 1), 0, s + 1]), c, o!.dtype)]
}

/** Geometry of a window primitive: padded input, output sizes and the axes that actually slide. */
function windowGeometry(x: LVal, w: WindowParams): { outSizes: Dim[]; axes: number[] } {
  const outSizes = x.shape.map((d, i) => (d === null ? null : Math.floor((d + w.padding[i]![0] + w.padding[i]![1] - w.windowDimensions[i]!) / w.windowStrides[i]!) + 1))
  const axes = x.shape.map((_, i) => i).filter((i) => w.windowDimensions[i] !== 1 || w.windowStrides[i] !== 1 || w.padding[i]![0] !== 0 || w.padding[i]![1] !== 0)
  return { outSizes, axes }
}

/**
 * float32 pooling over the interior dims of a rank 3-5 operand (batch and channel dims not windowed):
 * NCHW MaxPool / AveragePool between transposes (which ORT cancels against neighbouring convs).
 */
function poolFast(b: GraphBuilder, x: LVal, p: WindowParams & { readonly computation: 'sum' | 'max' | 'min' }): string | undefined {
  const r = x.shape.length
  if (r < 3 || r > 5 || computeDtype(x.dtype, FLOAT32_ONLY) !== 'float32') return undefined
  const last = r - 1
  const edge = [0, last].every((a) => p.windowDimensions[a] === 1 && p.windowStrides[a] === 1 && p.padding[a]![0] === 0 && p.padding[a]![1] === 0)
  const sp = range(r - 2, 1)
  if (!edge || sp.some((a) => p.padding[a]![0] < 0 || p.padding[a]![1] < 0 || p.padding[a]![0] >= p.windowDimensions[a]! || p.padding[a]![1] >= p.windowDimensions[a]!)) return undefined
  const attrs = {
    kernel_shape: sp.map((a) => p.windowDimensions[a]!), strides: sp.map((a) => p.windowStrides[a]!),
    pads: [...sp.map((a) => p.padding[a]![0]), ...sp.map((a) => p.padding[a]![1])],
  }
  const nc = transpose(b, x.name, [0, last, ...sp])
  let y: string
  if (p.computation === 'sum') {
    const k = attrs.kernel_shape.reduce((a, c) => a * c, 1)
    y = b.op('Mul', [b.op('AveragePool', [nc], { ...attrs, count_include_pad: 1 }), b.scalar(k, 'float32')])
  } else {
    const src = p.computation === 'min' ? b.op('Neg', [nc]) : nc
    y = b.op('MaxPool', [src], attrs)
    // NOTE: ORT's MaxPool keeps a NaN only when it opens its window; `exactNaN` pools a NaN mask too
    // (XLA's propagation, ~30% slower on the CNN), otherwise the fast kernel decides.
    if (b.exactNaN) {
      const nan = b.op('MaxPool', [b.castTo(b.op('IsNaN', [src]), ONNX_TYPE.BOOL, ONNX_TYPE.UINT8)], attrs)
      y = b.op('Where', [b.castTo(nan, ONNX_TYPE.UINT8, ONNX_TYPE.BOOL), b.scalar(NaN, 'float32'), y])
    }
    if (p.computation === 'min') y = b.op('Neg', [y])
  }
  return transpose(b, y, [0, ...range(r - 2, 2), 1])
}

const FLOAT32_ONLY: readonly DType[] = ['float32']

const reduceWindow: Lowering<'reduce_window'> = (b, [x], p, [o]) => {
  const fast = poolFast(b, x!, p)
  if (fast) return [fromCompute(b, fast, 'float32', o!.dtype)]
  const d = x!.dtype
  const op = p.computation === 'sum' ? 'Add' : p.computation === 'max' ? 'Max' : 'Min'
  const c = d === 'bool' ? 'int32' : computeDtype(d, op === 'Add' ? ARITH : ORDERED)!
  const init = p.computation === 'sum' ? 0 : p.computation === 'max' ? lowest(c) : highest(c)
  const xs: LVal = { ...x!, name: b.cast(x!.name, d, c), dtype: c }
  const { outSizes, axes } = windowGeometry(x!, p)
  if (axes.some((a) => x!.shape[a] === null)) b.unsupported('Slice', 'a windowed dimension has a dynamic size')
  const padded = padGeneral(b, xs, b.scalar(init, c), p.padding.map((q) => q[0]), p.padding.map((q) => q[1]), x!.shape.map(() => 0))
  const win = axes.map((a) => p.windowDimensions[a]!)
  let acc: string | undefined
  for (const t of tapsOf(win)) {
    const sl = tapSlice(b, padded.name, axes, t, axes.map(() => 1), axes.map((a) => p.windowStrides[a]!), axes.map((a) => outSizes[a]!))
    acc = acc === undefined ? sl : b.op(op, [acc, sl])
  }
  return [fromCompute(b, acc!, c, o!.dtype)]
}

/**
 * Max-pooling VJP: per window, the first real element that no earlier element is `>=` to (XLA's `ge`
 * select, NaN-aware) receives the window's source value. Selection runs over taps in window order;
 * each tap's share is placed back by an interior pad (the adjoint of its strided slice).
 */
const selectAndScatterAdd: Lowering<'select_and_scatter_add'> = (b, [source, operand], p, [o]) => {
  const x = operand!
  const c = computeDtype(x.dtype, ORDERED)!
  const { outSizes, axes } = windowGeometry(x, p)
  if (axes.some((a) => x.shape[a] === null)) b.unsupported('Slice', 'a windowed dimension has a dynamic size')
  const lo = p.padding.map((q) => q[0])
  const hi = p.padding.map((q) => q[1])
  const zeros = x.shape.map(() => 0)
  const xs: LVal = { ...x, name: b.cast(x.name, x.dtype, c), dtype: c }
  const padded = padGeneral(b, xs, b.scalar(lowest(c), c), lo, hi, zeros)
  const ones: LVal = { name: b.op('Expand', [b.constant([1], ONNX_TYPE.BOOL, []), b.shapeOf(x)]), shape: x.shape, dtype: 'bool' }
  const valid = padGeneral(b, ones, b.constant([0], ONNX_TYPE.BOOL, []), lo, hi, zeros)
  const taps = tapsOf(axes.map((a) => p.windowDimensions[a]!))
  const strides = axes.map((a) => p.windowStrides[a]!)
  const outAx = axes.map((a) => outSizes[a]!)
  const unit = axes.map(() => 1)
  let best = ''
  let bestValid = ''
  let sel = ''
  taps.forEach((t, i) => {
    const v = tapSlice(b, padded.name, axes, t, unit, strides, outAx)
    const m = tapSlice(b, valid.name, axes, t, unit, strides, outAx)
    if (i === 0) {
      best = v; bestValid = m; sel = b.op('Where', [m, b.i64s(0), b.i64s(0)])
      return
    }
    const notGe = b.op('Not', [b.op('GreaterOrEqual', [best, v])])
    const replace = b.op('And', [m, b.op('Or', [b.op('Not', [bestValid]), notGe])])
    best = b.op('Where', [replace, v, best])
    sel = b.op('Where', [replace, b.i64s(i), sel])
    bestValid = b.op('Or', [bestValid, m])
  })
  const sd = source!.dtype
  const sc = computeDtype(sd, ARITH)!
  const src = b.cast(source!.name, sd, sc)
  const zero = b.scalar(0, sc)
  let acc: string | undefined
  const srcVal: LVal = { name: src, shape: source!.shape, dtype: sc }
  taps.forEach((t, i) => {
    const chosen = b.op('And', [bestValid, b.op('Equal', [sel, b.i64s(i)])])
    const share = b.op('Where', [chosen, src, zero])
    const tapLo = x.shape.map(() => 0)
    const tapHi = x.shape.map(() => 0)
    const interior = x.shape.map(() => 0)
    axes.forEach((a, j) => {
      const start = t[j]!
      const end = start + (outAx[j]! - 1) * strides[j]! + 1
      tapLo[a] = start
      tapHi[a] = padded.shape[a]! - end
      interior[a] = strides[j]! - 1
    })
    const placed = padGeneral(b, { ...srcVal, name: share }, zero, tapLo, tapHi, interior).name
    acc = acc === undefined ? placed : b.op('Add', [acc, placed])
  })
  const cropped = padGeneral(b, { name: acc!, shape: padded.shape, dtype: sc }, zero, lo.map((v) => -v), hi.map((v) => -v), zeros).name
  return [fromCompute(b, cropped, sc, o!.dtype)]
}

export const linearLowerings = {
  dot_general: dotGeneral,
  conv_general_dilated: convForward,
  conv_transpose_lhs: convTransposeLhs,
  conv_transpose_rhs: convTransposeRhs,
  reduce_window: reduceWindow,
  select_and_scatter_add: selectAndScatterAdd,
} satisfies { readonly [P in 'dot_general' | 'conv_general_dilated' | 'conv_transpose_lhs' | 'conv_transpose_rhs' | 'reduce_window' | 'select_and_scatter_add']: Lowering<P> }

