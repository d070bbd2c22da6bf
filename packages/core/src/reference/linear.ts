/**
 * @file Reference implementations of the linear primitives (float64 accumulation on host arrays).
 * Convolutions and pooling share one index walker (`walkTaps`): the forward conv gathers along its
 * taps and both adjoints scatter-accumulate along the very same taps, so they agree by construction.
 */
import { allocTyped, isFloat, type DType, type TypedArray } from '../dtype.js'
import { stridesOf } from '../shape.js'
import type { ConvParams, WindowParams } from '../primitives/types.js'
import type { RefImpl, RefImplTable, RefTensor } from './types.js'
import { stridedCopy } from './movement.js'

const prod = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1)

/** Copies `t` into float64 with its dims reordered by `perm` (out dim i = t dim perm[i]). */
function permutedF64(t: RefTensor, perm: readonly number[]): Float64Array {
  const box = perm.map((p) => t.shape[p]!)
  const out = new Float64Array(prod(box))
  const s = stridesOf(t.shape)
  stridedCopy(out, 0, stridesOf(box), t.values, 0, perm.map((p) => s[p]!), box)
  return out
}

/** Float64 accumulator → storage of the output dtype (ints wrap like XLA). */
function store(acc: Float64Array, dtype: DType): TypedArray {
  if (dtype === 'float64' || dtype === 'int64') return acc
  const o = allocTyped(dtype, acc.length)
  ;(o as Float64Array).set(acc)
  return o
}

// ---------------------------------------------------------------------------------------------
// dot_general: both operands are packed to [B, M, K] and [B, K, N] (float64), then an i-k-j loop.

const dotGeneral: RefImpl<'dot_general'> = ([lhs, rhs], { contracting, batch }, [out]) => {
  const [lc, rc] = contracting
  const [lb, rb] = batch
  const lFree = lhs!.shape.map((_, i) => i).filter((d) => !lc.includes(d) && !lb.includes(d))
  const rFree = rhs!.shape.map((_, i) => i).filter((d) => !rc.includes(d) && !rb.includes(d))
  const B = prod(lb.map((d) => lhs!.shape[d]!))
  const M = prod(lFree.map((d) => lhs!.shape[d]!))
  const K = prod(lc.map((d) => lhs!.shape[d]!))
  const N = prod(rFree.map((d) => rhs!.shape[d]!))
  const a = permutedF64(lhs!, [...lb, ...lFree, ...lc])
  const b = permutedF64(rhs!, [...rb, ...rc, ...rFree])
  const c = new Float64Array(B * M * N)
  for (let bi = 0; bi < B; bi++) {
    const aB = bi * M * K
    const bB = bi * K * N
    for (let i = 0; i < M; i++) {
      const cRow = (bi * M + i) * N
      const aRow = aB + i * K
      for (let k = 0; k < K; k++) {
        const av = a[aRow + k]!
        const bRow = bB + k * N
        for (let j = 0; j < N; j++) c[cRow + j]! += av * b[bRow + j]!
      }
    }
  }
  return [store(c, out!.dtype)]
}

// ---------------------------------------------------------------------------------------------
// The shared window walker

/** Geometry of windows sliding over `inSizes` (per dim: stride, low padding, input and window dilation). */
interface TapGeometry {
  readonly inSizes: readonly number[]
  readonly winSizes: readonly number[]
  readonly outSizes: readonly number[]
  readonly strides: readonly number[]
  readonly padLo: readonly number[]
  readonly lhsDilation: readonly number[]
  readonly rhsDilation: readonly number[]
}

/**
 * Calls `visit(out, in, win)` (flat row-major offsets) for every tap: every output position, in
 * row-major order, and within it every window position, in row-major order, that lands on a real
 * input element. Per dim, output o and window k read dilated coordinate
 * `p = o·stride + k·rhsDil − padLo`, a real element iff `0 ≤ p < dilatedIn` and `p mod lhsDil = 0`.
 */
function walkTaps(g: TapGeometry, visit: (o: number, i: number, w: number) => void): void {
  const r = g.inSizes.length
  const inStr = stridesOf(g.inSizes)
  const winStr = stridesOf(g.winSizes)
  // Per dim, per output index: the valid (input offset, window offset) pairs, in window order.
  const starts: Int32Array[] = []
  const inOff: Int32Array[] = []
  const winOff: Int32Array[] = []
  for (let d = 0; d < r; d++) {
    const n = g.inSizes[d]!
    const k = g.winSizes[d]!
    const dilatedIn = n === 0 ? 0 : (n - 1) * g.lhsDilation[d]! + 1
    const st = new Int32Array(g.outSizes[d]! + 1)
    const io: number[] = []
    const wo: number[] = []
    for (let o = 0; o < g.outSizes[d]!; o++) {
      st[o] = io.length
      for (let kk = 0; kk < k; kk++) {
        const p = o * g.strides[d]! + kk * g.rhsDilation[d]! - g.padLo[d]!
        if (p < 0 || p >= dilatedIn || p % g.lhsDilation[d]! !== 0) continue
        io.push((p / g.lhsDilation[d]!) * inStr[d]!)
        wo.push(kk * winStr[d]!)
      }
    }
    st[g.outSizes[d]!] = io.length
    starts.push(st)
    inOff.push(Int32Array.from(io))
    winOff.push(Int32Array.from(wo))
  }
  const oIdx = new Array<number>(r).fill(0)
  const rec = (d: number, o: number, i: number, w: number): void => {
    if (d === r) { visit(o, i, w); return }
    const st = starts[d]!
    const io = inOff[d]!
    const wo = winOff[d]!
    for (let j = st[oIdx[d]!]!, end = st[oIdx[d]! + 1]!; j < end; j++) rec(d + 1, o, i + io[j]!, w + wo[j]!)
  }
  const outCount = prod(g.outSizes)
  for (let o = 0; o < outCount; o++) {
    rec(0, o, 0, 0)
    for (let d = r - 1; d >= 0; d--) {
      if (++oIdx[d]! < g.outSizes[d]!) break
      oIdx[d] = 0
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Convolution and its two adjoints: one geometry, one walk, three accumulation patterns.

interface ConvGeometry {
  readonly taps: TapGeometry
  readonly batch: number
  readonly inSpatial: number
  readonly outSpatial: number
  readonly cin: number
  readonly cout: number
  readonly groups: number
}

/** Output spatial size of one dim (the rule `convShape` checks in the primitive). */
function convOutSize(n: number, k: number, stride: number, lo: number, hi: number, lhsDil: number, rhsDil: number): number {
  const dilatedIn = n === 0 ? 0 : (n - 1) * lhsDil + 1
  const dilatedWin = k === 0 ? 0 : (k - 1) * rhsDil + 1
  return Math.max(0, Math.floor((dilatedIn + lo + hi - dilatedWin) / stride) + 1)
}

function convGeometry(lhsShape: readonly number[], rhsShape: readonly number[], p: ConvParams): ConvGeometry {
  const s = lhsShape.length - 2
  const inSizes = lhsShape.slice(1, s + 1)
  const winSizes = rhsShape.slice(0, s)
  const outSizes = inSizes.map((n, d) => convOutSize(n, winSizes[d]!, p.windowStrides[d]!, p.padding[d]![0], p.padding[d]![1], p.lhsDilation[d]!, p.rhsDilation[d]!))
  return {
    taps: { inSizes, winSizes, outSizes, strides: p.windowStrides, padLo: p.padding.map((q) => q[0]), lhsDilation: p.lhsDilation, rhsDilation: p.rhsDilation },
    batch: lhsShape[0]!, inSpatial: prod(inSizes), outSpatial: prod(outSizes), cin: lhsShape[s + 1]!, cout: rhsShape[s + 1]!, groups: p.featureGroupCount,
  }
}

/** What to do at one tap for one batch element and group; offsets point at the channel runs. */
type ConvTapKernel = (lhsAt: number, rhsAt: number, outAt: number) => void

/**
 * Runs `kernel` at every tap, batch element and (group, input channel) pair, with `lhsAt` the lhs
 * element, `rhsAt` the start of the kernel row `[cout of the group]` and `outAt` the start of the
 * output run `[cout of the group]`: the innermost loops (in the kernels) run over contiguous couts.
 */
function walkConv(g: ConvGeometry, kernel: ConvTapKernel): void {
  const { batch, inSpatial, outSpatial, cin, cout, groups } = g
  const cinG = cin / groups
  const coutG = cout / groups
  walkTaps(g.taps, (o, i, w) => {
    for (let n = 0; n < batch; n++) {
      const lBase = (n * inSpatial + i) * cin
      const oBase = (n * outSpatial + o) * cout
      for (let grp = 0; grp < groups; grp++) {
        for (let ci = 0; ci < cinG; ci++) kernel(lBase + grp * cinG + ci, (w * cinG + ci) * cout + grp * coutG, oBase + grp * coutG)
      }
    }
  })
}

const f64 = (t: RefTensor): Float64Array => (t.values instanceof Float64Array ? t.values : Float64Array.from(t.values as ArrayLike<number>))

// out[n, o, co] += lhs[n, i, ci] · rhs[w, ci, co]
const convForward: RefImpl<'conv_general_dilated'> = ([lhs, rhs], params, [out]) => {
  const g = convGeometry(lhs!.shape, rhs!.shape, params)
  const x = f64(lhs!)
  const k = f64(rhs!)
  const acc = new Float64Array(g.batch * g.outSpatial * g.cout)
  const coutG = g.cout / g.groups
  walkConv(g, (l, r, o) => {
    const a = x[l]!
    for (let c = 0; c < coutG; c++) acc[o + c]! += a * k[r + c]!
  })
  return [store(acc, out!.dtype)]
}

// dlhs[n, i, ci] += Σ_co ct[n, o, co] · rhs[w, ci, co]
// NOTE: shapes come from the output spec, not `lhsShape`: a graph traced with an unknown batch
// records a null there, which the shape rule resolves from the cotangent at run time.
const convTransposeLhs: RefImpl<'conv_transpose_lhs'> = ([ct, rhs], params, [out]) => {
  const g = convGeometry(out!.shape, rhs!.shape, params)
  const dy = f64(ct!)
  const k = f64(rhs!)
  const acc = new Float64Array(prod(out!.shape))
  const coutG = g.cout / g.groups
  walkConv(g, (l, r, o) => {
    let s = 0
    for (let c = 0; c < coutG; c++) s += dy[o + c]! * k[r + c]!
    acc[l]! += s
  })
  return [store(acc, out!.dtype)]
}

// drhs[w, ci, co] += lhs[n, i, ci] · ct[n, o, co]
const convTransposeRhs: RefImpl<'conv_transpose_rhs'> = ([lhs, ct], params, [out]) => {
  const g = convGeometry(lhs!.shape, out!.shape, params)
  const x = f64(lhs!)
  const dy = f64(ct!)
  const acc = new Float64Array(prod(out!.shape))
  const coutG = g.cout / g.groups
  walkConv(g, (l, r, o) => {
    const a = x[l]!
    for (let c = 0; c < coutG; c++) acc[r + c]! += a * dy[o + c]!
  })
  return [store(acc, out!.dtype)]
}

// ---------------------------------------------------------------------------------------------
// Pooling windows

function windowTaps(shape: readonly number[], w: WindowParams): TapGeometry {
  const ones = shape.map(() => 1)
  const outSizes = shape.map((n, d) => convOutSize(n, w.windowDimensions[d]!, w.windowStrides[d]!, w.padding[d]![0], w.padding[d]![1], 1, 1))
  return { inSizes: shape, winSizes: w.windowDimensions, outSizes, strides: w.windowStrides, padLo: w.padding.map((q) => q[0]), lhsDilation: ones, rhsDilation: ones }
}

/** The identity of max (`lowest`) or min (`highest`) for a dtype: what padding holds. */
function extreme(d: DType, sign: 1 | -1): number {
  if (isFloat(d)) return sign * Infinity
  const bits: Partial<Record<DType, number>> = { int8: 8, int16: 16, int32: 32, int64: 64, uint8: 8, uint16: 16, uint32: 32 }
  const b = bits[d] ?? 32
  if (d.startsWith('uint')) return sign > 0 ? 2 ** b - 1 : 0
  return sign > 0 ? 2 ** (b - 1) - 1 : -(2 ** (b - 1))
}

const reduceWindow: RefImpl<'reduce_window'> = ([x], params, [out]) => {
  const taps = windowTaps(x!.shape, params)
  const v = x!.values
  const init = params.computation === 'sum' ? 0 : params.computation === 'max' ? extreme(x!.dtype, -1) : extreme(x!.dtype, 1)
  const acc = new Float64Array(prod(taps.outSizes)).fill(init)
  if (params.computation === 'sum') walkTaps(taps, (o, i) => { acc[o]! += v[i] as number })
  // NOTE: max/min propagate NaN, like XLA.
  else if (params.computation === 'max') walkTaps(taps, (o, i) => { const a = v[i] as number; if (a > acc[o]! || a !== a) acc[o] = a })
  else walkTaps(taps, (o, i) => { const a = v[i] as number; if (a < acc[o]! || a !== a) acc[o] = a })
  return [store(acc, out!.dtype)]
}

/**
 * Each window adds its source value at its selected element: scanning the window's real elements
 * in row-major order, a candidate replaces the current one unless `current >= candidate` (XLA's
 * `ge` select), so ties keep the first maximum. Windows made only of padding select nothing.
 */
const selectAndScatterAdd: RefImpl<'select_and_scatter_add'> = ([source, operand], params, [out]) => {
  const v = operand!.values
  const src = source!.values
  const acc = new Float64Array(v.length)
  let cur = -1
  let best = 0
  let bestAt = -1
  walkTaps(windowTaps(operand!.shape, params), (o, i) => {
    const a = v[i] as number
    if (o !== cur) {
      if (cur >= 0) acc[bestAt]! += src[cur] as number
      cur = o
      best = a
      bestAt = i
    } else if (!(best >= a)) {
      best = a
      bestAt = i
    }
  })
  if (cur >= 0) acc[bestAt]! += src[cur] as number
  return [store(acc, out!.dtype)]
}

export const linearImpls = {
  dot_general: dotGeneral,
  conv_general_dilated: convForward,
  conv_transpose_lhs: convTransposeLhs,
  conv_transpose_rhs: convTransposeRhs,
  reduce_window: reduceWindow,
  select_and_scatter_add: selectAndScatterAdd,
} satisfies Partial<RefImplTable>
