/**
 * @file `dot_general` and the N-d convolution family on tfjs kernels. Every conv variant (grouped,
 * lhs-dilated, 1/2/3-d, negative padding) is reduced to Conv2D / DepthwiseConv2dNative / Conv3D, and
 * both adjoints are themselves convolutions (JAX's transpose rules), so they run on any engine —
 * including tfjs-wasm, which has no Conv2DBackpropFilter kernel.
 */
import type { TensorInfo } from '@tensorflow/tfjs-core'
import type { ConvParams, PadPair } from '@kx/core'
import type { TfjsKernelContext } from '../context.js'
import { pad, prod, range, reshape, slice, transpose } from '../helpers.js'
import { hostRule, type TfjsRule, type TfjsRuleTable } from './types.js'
import type { ConvRhsStrategy } from '../context.js'

// ---------------------------------------------------------------------------------------------
// dot_general → [B, M, K] @ [B, K, N] with BatchMatMul

/**
 * Batched matmul of `a` [B, M, K] and `b` [B, K, N] given as logical views; `aT`/`bT` mean the tensor
 * is stored transposed ([B, K, M] / [B, N, K]). On engines with `explicitMatmulTranspose` the
 * transposition runs as its own Transpose kernel and BatchMatMul always gets `transpose: false`.
 */
export function batchMatMul(ctx: TfjsKernelContext, a: TensorInfo, aT: boolean, b: TensorInfo, bT: boolean): TensorInfo {
  if (ctx.traits.explicitMatmulTranspose) {
    const a2 = aT ? transpose(ctx, a, [0, 2, 1]) : a
    const b2 = bT ? transpose(ctx, b, [0, 2, 1]) : b
    return ctx.kernel('BatchMatMul', { a: a2, b: ctx.weightsFor(b2, `${b2.shape}`) }, { transposeA: false, transposeB: false })
  }
  return ctx.kernel('BatchMatMul', { a, b: ctx.weightsFor(b, `${b.shape}|${bT}`) }, { transposeA: aT, transposeB: bT })
}

const isIdentityOrder = (dims: readonly number[]): boolean => dims.every((d, i) => d === i)

const dotGeneral: TfjsRule<'dot_general'> = (ctx, inputs, params, outputs) => {
  const [lhs, rhs] = inputs as [TensorInfo, TensorInfo]
  if (lhs.dtype !== 'float32') return hostRule('dot_general')(ctx, inputs, params, outputs)
  const [lc, rc] = params.contracting
  const [lb, rb] = params.batch
  const lf = range(lhs.shape.length).filter((d) => !lc.includes(d) && !lb.includes(d))
  const rf = range(rhs.shape.length).filter((d) => !rc.includes(d) && !rb.includes(d))
  const size = (t: TensorInfo, dims: readonly number[]): number => prod(dims.map((d) => t.shape[d]!))
  const B = size(lhs, lb)
  const M = size(lhs, lf)
  const K = size(lhs, lc)
  const N = size(rhs, rf)
  const out = outputs[0]!
  if (B * M * N === 0 || K === 0) return [ctx.constant(0, 'float32', out.shape)]
  // Prefer the layout the operand already has: [b, m, k] or [b, k, m] (a transposed flag).
  const aT = !isIdentityOrder([...lb, ...lf, ...lc]) && isIdentityOrder([...lb, ...lc, ...lf])
  const a = aT ? reshape(ctx, lhs, [B, K, M]) : reshape(ctx, transpose(ctx, lhs, [...lb, ...lf, ...lc]), [B, M, K])
  const bT = !isIdentityOrder([...rb, ...rc, ...rf]) && isIdentityOrder([...rb, ...rf, ...rc])
  const b = bT ? reshape(ctx, rhs, [B, N, K]) : reshape(ctx, transpose(ctx, rhs, [...rb, ...rc, ...rf]), [B, K, N])
  return [reshape(ctx, batchMatMul(ctx, a, aT, b, bT), out.shape)]
}

// ---------------------------------------------------------------------------------------------
// Convolution

const dilate = (n: number, d: number): number => (n === 0 ? 0 : (n - 1) * d + 1)
const ones = (n: number): number[] => new Array<number>(n).fill(1)

/** A convolution in tfjs terms: no lhs dilation, no negative padding, feature groups handled. */
interface PlainConv {
  readonly strides: readonly number[]
  readonly padding: readonly PadPair[]
  readonly dilations: readonly number[]
}

/** Conv2D / Conv3D / Depthwise on channels_last with groups 1 (or depthwise), spatial rank 0-3. */
function convKernel(ctx: TfjsKernelContext, x: TensorInfo, w: TensorInfo, c: PlainConv, depthwise: boolean): TensorInfo {
  const s = x.shape.length - 2
  if (s <= 1) {
    // [N, W, C] → [N, 1, W, C]; a 0-d conv is a 1×1 conv.
    const lift = <T>(v: readonly T[], one: T): T[] => (s === 0 ? [one, one] : [one, v[0]!])
    const x4 = reshape(ctx, x, [x.shape[0]!, 1, s === 0 ? 1 : x.shape[1]!, x.shape[s + 1]!])
    const w4 = reshape(ctx, w, [1, s === 0 ? 1 : w.shape[0]!, w.shape[s]!, w.shape[s + 1]!])
    const y = convKernel(ctx, x4, w4, { strides: lift(c.strides, 1), padding: lift<PadPair>(c.padding, [0, 0]), dilations: lift(c.dilations, 1) }, depthwise)
    return reshape(ctx, y, s === 0 ? [y.shape[0]!, y.shape[3]!] : [y.shape[0]!, y.shape[2]!, y.shape[3]!])
  }
  if (s === 2) {
    const attrs = {
      strides: c.strides.slice(), dilations: c.dilations.slice(), dataFormat: 'NHWC',
      pad: [[0, 0], [c.padding[0]![0], c.padding[0]![1]], [c.padding[1]![0], c.padding[1]![1]], [0, 0]],
    }
    if (depthwise) {
      const cin = x.shape[3]!
      const wd = reshape(ctx, w, [w.shape[0]!, w.shape[1]!, cin, w.shape[3]! / cin])
      return ctx.kernel('DepthwiseConv2dNative', { x, filter: wd }, attrs)
    }
    return ctx.kernel('Conv2D', { x, filter: w }, attrs)
  }
  // 3-d: Conv3D takes only 'valid'/'same', so pad first.
  const xp = pad(ctx, x, [0, ...c.padding.map((p) => p[0]), 0], [0, ...c.padding.map((p) => p[1]), 0], ones(5).map(() => 0), 0)
  return ctx.kernel('Conv3D', { x: xp, filter: w }, { strides: c.strides.slice(), pad: 'valid', dataFormat: 'NDHWC', dilations: c.dilations.slice() })
}

/**
 * `conv_general_dilated` for any supported case: lhs dilation becomes interior padding, negative
 * padding crops, feature groups become depthwise (groups = Cin) or one conv per group.
 */
export function convGeneral(ctx: TfjsKernelContext, lhs: TensorInfo, rhs: TensorInfo, p: ConvParams): TensorInfo {
  const s = lhs.shape.length - 2
  let x = lhs
  if (p.lhsDilation.some((d) => d !== 1)) {
    x = pad(ctx, x, ones(s + 2).map(() => 0), ones(s + 2).map(() => 0), [0, ...p.lhsDilation.map((d) => d - 1), 0], 0)
  }
  if (p.padding.some(([lo, hi]) => lo < 0 || hi < 0)) {
    x = pad(ctx, x, [0, ...p.padding.map(([lo]) => Math.min(0, lo)), 0], [0, ...p.padding.map(([, hi]) => Math.min(0, hi)), 0], ones(s + 2).map(() => 0), 0)
  }
  const plain: PlainConv = { strides: p.windowStrides, dilations: p.rhsDilation, padding: p.padding.map(([lo, hi]) => [Math.max(0, lo), Math.max(0, hi)] as PadPair) }
  const G = p.featureGroupCount
  const cin = x.shape[s + 1]!
  const cout = rhs.shape[s + 1]!
  if (G === 1) return convKernel(ctx, x, rhs, plain, false)
  if (G === cin && s <= 2) return convKernel(ctx, x, rhs, plain, true)
  const cinG = cin / G
  const coutG = cout / G
  const parts: TensorInfo[] = []
  for (let g = 0; g < G; g++) {
    const xg = slice(ctx, x, [...ones(s + 1).map(() => 0), g * cinG], [...x.shape.slice(0, s + 1), cinG])
    const wg = slice(ctx, rhs, [...ones(s + 1).map(() => 0), g * coutG], [...rhs.shape.slice(0, s + 1), coutG])
    parts.push(convKernel(ctx, xg, wg, plain, false))
  }
  return ctx.kernel('Concat', parts, { axis: s + 1 })
}

/** Per spatial dim: (in, window, out) sizes of the forward conv. */
interface ConvDims { readonly inS: readonly number[]; readonly win: readonly number[]; readonly outS: readonly number[] }

/**
 * d lhs = conv(ct, flip(rhs) with I/O swapped), strides = lhs dilation, lhs dilation = strides,
 * padding (k̃ − lo − 1, l̃ + k̃ − 1 − õ − (k̃ − lo − 1)) with ~ meaning dilated sizes (JAX's rule).
 */
export function convTransposeLhs(ctx: TfjsKernelContext, ct: TensorInfo, rhs: TensorInfo, p: ConvParams, d: ConvDims): TensorInfo {
  const s = d.inS.length
  const G = p.featureGroupCount
  const cinG = rhs.shape[s]!
  const cout = rhs.shape[s + 1]!
  const flipped = ctx.kernel('Reverse', { x: rhs }, { dims: range(s) })
  // [win, Cin/G, Cout] → [win, Cin/G, G, Cout/G] → [win, Cout/G, G, Cin/G] → [win, Cout/G, Cin]
  const split = reshape(ctx, flipped, [...d.win, cinG, G, cout / G])
  const swapped = transpose(ctx, split, [...range(s), s + 2, s + 1, s])
  const w = reshape(ctx, swapped, [...d.win, cout / G, G * cinG])
  const padding = range(s).map((i): PadPair => {
    const kd = dilate(d.win[i]!, p.rhsDilation[i]!)
    const before = kd - p.padding[i]![0] - 1
    const after = dilate(d.inS[i]!, p.lhsDilation[i]!) + kd - 1 - dilate(d.outS[i]!, p.windowStrides[i]!) - before
    return [before, after]
  })
  return convGeneral(ctx, ct, w, { windowStrides: p.lhsDilation, padding, lhsDilation: p.windowStrides, rhsDilation: p.rhsDilation, featureGroupCount: G })
}

/**
 * d rhs = conv(lhsᵀ, ctᵀ) where the batch dim N is contracted as features: lhs → [Cin, sp, N],
 * ct → kernel [out sp, N, Cout], strides = rhs dilation, rhs dilation = strides (JAX's rule);
 * the result [Cin, win, Cout] is transposed to [win, Cin, Cout]. Groups run one at a time.
 */
export function convTransposeRhs(ctx: TfjsKernelContext, lhs: TensorInfo, ct: TensorInfo, p: ConvParams, d: ConvDims): TensorInfo {
  const s = d.inS.length
  const G = p.featureGroupCount
  const padding = range(s).map((i): PadPair => {
    const lo = p.padding[i]![0]
    const fromLhs = dilate(d.outS[i]!, p.windowStrides[i]!) - dilate(d.inS[i]!, p.lhsDilation[i]!)
    const fromRhs = dilate(d.win[i]!, p.rhsDilation[i]!) - lo - 1
    return [lo, fromLhs + fromRhs]
  })
  const params: ConvParams = { windowStrides: p.rhsDilation, padding, lhsDilation: p.lhsDilation, rhsDilation: p.windowStrides, featureGroupCount: 1 }
  const one = (x: TensorInfo, dy: TensorInfo): TensorInfo => {
    const xT = transpose(ctx, x, [s + 1, ...range(s).map((i) => i + 1), 0])
    const k = transpose(ctx, dy, [...range(s).map((i) => i + 1), 0, s + 1])
    const r = convGeneral(ctx, xT, k, params)
    return transpose(ctx, r, [...range(s).map((i) => i + 1), 0, s + 1])
  }
  if (G === 1) return one(lhs, ct)
  const cinG = lhs.shape[s + 1]! / G
  const coutG = ct.shape[s + 1]! / G
  const parts: TensorInfo[] = []
  for (let g = 0; g < G; g++) {
    const xg = slice(ctx, lhs, [...ones(s + 1).map(() => 0), g * cinG], [...lhs.shape.slice(0, s + 1), cinG])
    const dg = slice(ctx, ct, [...ones(s + 1).map(() => 0), g * coutG], [...ct.shape.slice(0, s + 1), coutG])
    parts.push(one(xg, dg))
  }
  return ctx.kernel('Concat', parts, { axis: s + 1 })
}

/** im2col form of d rhs for plain 2-d convs (groups 1, no lhs dilation): one [K, M] @ [M, Cout] matmul. */
export function convTransposeRhsIm2col(ctx: TfjsKernelContext, lhs: TensorInfo, ct: TensorInfo, p: ConvParams, d: ConvDims): TensorInfo {
  const [kh, kw] = d.win as [number, number]
  const [oh, ow] = d.outS as [number, number]
  const n = lhs.shape[0]!
  const cin = lhs.shape[3]!
  const cout = ct.shape[3]!
  const xp = pad(ctx, lhs, [0, p.padding[0]![0], p.padding[1]![0], 0], [0, p.padding[0]![1], p.padding[1]![1], 0], [0, 0, 0, 0], 0)
  const xT = transpose(ctx, xp, [3, 0, 1, 2]) // [Cin, N, H, W]
  const [sh, sw] = p.windowStrides as [number, number]
  const [dh, dw] = p.rhsDilation as [number, number]
  const taps: TensorInfo[] = []
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const begin = [0, 0, i * dh, j * dw]
      const end = [cin, n, i * dh + (oh - 1) * sh + 1, j * dw + (ow - 1) * sw + 1]
      const tap = sh === 1 && sw === 1
        ? slice(ctx, xT, begin, [cin, n, oh, ow])
        : ctx.kernel('StridedSlice', { x: xT }, { begin, end, strides: [1, 1, sh, sw], beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0 })
      taps.push(reshape(ctx, tap, [cin, n * oh * ow]))
    }
  }
  const cols = taps.length === 1 ? taps[0]! : ctx.kernel('Concat', taps, { axis: 0 }) // [kh·kw·Cin, M]
  const m = n * oh * ow
  const dy = reshape(ctx, ct, [1, m, cout])
  const r = batchMatMul(ctx, reshape(ctx, cols, [1, kh * kw * cin, m]), false, dy, false)
  return reshape(ctx, r, [kh, kw, cin, cout])
}

function convDims(lhsShape: readonly number[], rhsShape: readonly number[], outShape: readonly number[]): ConvDims {
  const s = lhsShape.length - 2
  return { inS: lhsShape.slice(1, s + 1), win: rhsShape.slice(0, s), outS: outShape.slice(1, s + 1) }
}

const floatOr = <P extends 'conv_general_dilated' | 'conv_transpose_lhs' | 'conv_transpose_rhs'>(prim: P, f: TfjsRule<P>): TfjsRule<P> => {
  const host = hostRule(prim)
  return (ctx, inputs, params, outputs) => {
    const s = inputs[0]!.shape.length - 2
    if (inputs[0]!.dtype !== 'float32' || s > 3 || prod(outputs[0]!.shape) === 0) return host(ctx, inputs, params, outputs)
    return f(ctx, inputs, params, outputs)
  }
}

/**
 * The d rhs formulation of plain 2-d convs: the traits' choice; `auto` (the default) takes im2col for
 * few input channels and the convolution identity otherwise.
 * NOTE: measured on the CNN's two shapes (pnpm bench, micro: conv_transpose_rhs; GFLOP/s, im2col vs
 * identity): Cin = 1: wasm 1.97 vs 0.75, cpu 0.088 vs 0.060; Cin = 32: wasm 3.86 vs 5.43, cpu 0.143 vs
 * 0.202. tfjs-cpu's Conv2DBackpropFilter kernel runs ~0.03.
 */
function convRhsStrategy(ctx: TfjsKernelContext, cin: number): 'kernel' | 'conv' | 'im2col' {
  const s = ctx.traits.convRhs ?? 'auto'
  if (s === 'kernel') return ctx.has('Conv2DBackpropFilter') ? 'kernel' : 'conv'
  if (s === 'auto') return cin < 8 ? 'im2col' : 'conv'
  return s
}

const convTransposeRhsRule: TfjsRule<'conv_transpose_rhs'> = (ctx, [lhs, ct], params, [out]) => {
  const d = convDims(lhs!.shape, params.rhsShape, ct!.shape)
  const plain2d = d.inS.length === 2 && params.featureGroupCount === 1 && params.lhsDilation.every((v) => v === 1)
    && params.padding.every(([lo, hi]) => lo >= 0 && hi >= 0)
  if (plain2d) {
    const strategy = convRhsStrategy(ctx, lhs!.shape[3]!)
    if (strategy === 'kernel' && params.rhsDilation.every((v) => v === 1)) {
      return [ctx.kernel('Conv2DBackpropFilter', { x: lhs!, dy: ct! }, {
        strides: params.windowStrides.slice(), dataFormat: 'NHWC', filterShape: out!.shape.slice(),
        pad: [[0, 0], [...params.padding[0]!], [...params.padding[1]!], [0, 0]],
      })]
    }
    if (strategy !== 'conv') return [convTransposeRhsIm2col(ctx, lhs!, ct!, params, d)]
  }
  return [convTransposeRhs(ctx, lhs!, ct!, params, d)]
}

export const linearRules = {
  dot_general: dotGeneral,
  conv_general_dilated: floatOr('conv_general_dilated', (ctx, [lhs, rhs], params) => [convGeneral(ctx, lhs!, rhs!, params)]),
  conv_transpose_lhs: floatOr('conv_transpose_lhs', (ctx, [ct, rhs], params) =>
    [convTransposeLhs(ctx, ct!, rhs!, params, convDims(params.lhsShape, rhs!.shape, ct!.shape))]),
  conv_transpose_rhs: floatOr('conv_transpose_rhs', convTransposeRhsRule),
} satisfies Partial<TfjsRuleTable>
