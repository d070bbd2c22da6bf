/**
 * @file The tfjs kernel set kx runs on WebGPU: tfjs-backend-webgpu's own kernels, registered again under
 * the name `kx-webgpu` with fixes for the ones that disagree with kx's semantics (found by the conformance
 * kit). tfjs's own `webgpu` registrations are left untouched, so tfjs users see no change.
 */
import { getKernel, getKernelsForBackend, registerKernel, type KernelBackend, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core'
import type { webgpu_util as WebGPUUtil } from '@tensorflow/tfjs-backend-webgpu'
import { KX_RANDOM_UNIFORM, KX_THREEFRY_PAIRS, THREEFRY_PAIRS_WGSL, THREEFRY_UNIFORM_NARROW_WGSL, THREEFRY_UNIFORM_WGSL } from './random.js'
import { ERF_INV_WGSL, KX_ERF_INV } from './special.js'
import { KX_LAYER_NORM, layerNormWgsl } from './fused.js'
import { ADAM_ELEMENTS, ADAM_PARTS, KX_ADAM_STEP, KX_ADAM_UPDATE, adamPartWgsl, adamStepKernel } from './optimizer.js'
import type { installSoftwareKernels } from './software.js'
import { INT_SCAN_UNIFORMS, intScanLayout, intScanWgsl } from './scan.js'
import { selectAnyRank, tileAnyRank } from './where.js'
import { KX_SORT, sortKernel } from './sort.js'
import { INT_ARITHMETIC_KERNELS, KX_BITWISE, KX_INT_REDUCE, bitwiseKernel, intArithmetic, intReduceKernel } from './bitwise.js'
import { KX_QR, qrKernel } from './qr.js'
import { KX_CHOLESKY, KX_LU, KX_TRIANGULAR_SOLVE, choleskyKernel, luKernel, triangularSolveKernel } from './linalg.js'
import { INT_MOVEMENT_KERNELS, exactIntMovement } from './intexact.js'
import { arcKernel } from './trig.js'
import { IEEE_FIXED_KERNELS, ieeeFix } from './ieee.js'
import { KX_DIGAMMA, KX_IGAMMA, KX_LGAMMA, gammaUnaryKernel, igammaKernel } from './gamma.js'
import { KX_BITCAST, bitcastKernel } from './bitcast.js'
import { KX_INT_MATMUL, intMatMulKernel } from './intDot.js'
import { KX_DFT, KX_IRDFT, dftKernel, irdftKernel } from './fft.js'
import { KX_EIGH, eighKernel } from './eigh.js'
import { KX_SVD, svdKernel } from './svd.js'

/** The tfjs backend name the fixed kernel set is registered under. */
export const KX_WEBGPU = 'kx-webgpu'

/** A tfjs-webgpu program (the fields kx sets). */
export interface Program {
  variableNames: string[]; outputShape: number[]; shaderKey: string; size: boolean
  dispatchLayout: { x: number[] }; dispatch: [number, number, number]; workgroupSize: [number, number, number]
  getUserCode(): string
  uniforms?: string
}
/** tfjs's WebGPU backend, which runs programs. */
export interface RunsPrograms extends KernelBackend {
  runWebGPUProgram(program: Program, inputs: TensorInfo[], outputDtype: string, uniforms?: { type: string; data: number[] }[]): TensorInfo
}
export type KernelFn = (args: { inputs: Record<string, TensorInfo>; backend: KernelBackend; attrs: NamedAttrMap }) => TensorInfo

/** A flat elementwise program: one invocation per output element, `main(index)` in `code`. */
export function flatProgram(webgpu_util: typeof WebGPUUtil, shape: number[], shaderKey: string, code: string): Program {
  const dispatchLayout = webgpu_util.flatDispatchLayout(shape)
  const workgroupSize: [number, number, number] = [64, 1, 1]
  return {
    variableNames: ['A'], outputShape: shape, shaderKey, size: true, dispatchLayout, workgroupSize,
    dispatch: webgpu_util.computeDispatch(dispatchLayout, shape, workgroupSize),
    getUserCode: () => code,
  }
}

/** Elementwise int32/bool → float32 conversion. */
const toFloatProgram = (webgpu_util: typeof WebGPUUtil, shape: number[]): Program => flatProgram(webgpu_util, shape, 'kx_to_float', `
      fn main(index : i32) {
        if (index < uniforms.size) { setOutputAtIndex(index, f32(getAByOutputIndex(index))); }
      }`)

const original = (name: string): KernelFn => getKernel(name, 'webgpu')!.kernelFunc as unknown as KernelFn

/** Replacements, by tfjs kernel name. */
function fixes(util: typeof WebGPUUtil): Record<string, KernelFn> {
  const cast = original('Cast')
  const reverse = original('Reverse')
  const scan = (name: string): KernelFn => {
    const f = original(name)
    // NOTE: tfjs-webgpu's reverse scans are wrong along the last axis; reverse, scan forwards, reverse back.
    // int32 scans run kx's own program (scan.ts: tfjs's moves the axis with a transpose that fails on i32).
    return ({ inputs, backend, attrs }) => {
      const x = inputs['x']!
      if (x.dtype === 'int32') {
        const { rows, uniforms } = intScanLayout(x, attrs['axis'] as number)
        const [op, exclusive, reverse] = [name === 'Cumsum' ? '+' : '*', !!attrs['exclusive'], !!attrs['reverse']] as const
        const program = flatProgram(util, [rows], `kx_int_scan_${name}_${+exclusive}${+reverse}`, intScanWgsl(op, exclusive, reverse))
        Object.assign(program, { outputShape: x.shape.slice(), size: false, uniforms: INT_SCAN_UNIFORMS })
        return (backend as RunsPrograms).runWebGPUProgram(program, [x], 'int32', uniforms)
      }
      if (!attrs['reverse']) return f({ inputs, backend, attrs })
      const dims = [attrs['axis'] as number]
      const r = reverse({ inputs: { x: inputs['x']! }, backend, attrs: { dims } })
      const s = f({ inputs: { x: r }, backend, attrs: { ...attrs, reverse: false } })
      backend.disposeData(r.dataId)
      const out = reverse({ inputs: { x: s }, backend, attrs: { dims } })
      backend.disposeData(s.dataId)
      return out
    }
  }
  const transpose = original('Transpose')
  const fixedCast: KernelFn = ({ inputs, backend, attrs }) => {
    const x = inputs['x']!
    if (attrs['dtype'] === 'float32' && (x.dtype === 'int32' || x.dtype === 'bool')) {
      return (backend as RunsPrograms).runWebGPUProgram(toFloatProgram(util, x.shape.slice()), [x], 'float32')
    }
    return cast({ inputs, backend, attrs })
  }
  const pad = original('PadV2')
  const reshape = original('Reshape')
  /** Reverse for any rank: adjacent dims with the same flag merge (reversing both = reversing their product). */
  const reverseAnyRank: KernelFn = ({ inputs, backend, attrs }) => {
    const x = inputs['x']!
    if (x.shape.length <= 4) return reverse({ inputs, backend, attrs })
    const rank = x.shape.length
    const flags = x.shape.map((_, i) => (attrs['dims'] as number[]).some((d) => (d + rank) % rank === i))
    const shape: number[] = []
    const dims: number[] = []
    flags.forEach((f, i) => {
      if (i > 0 && f === flags[i - 1]) shape[shape.length - 1]! *= x.shape[i]!
      else { shape.push(x.shape[i]!); if (f) dims.push(shape.length - 1) }
    })
    if (shape.length > 4) return reverse({ inputs, backend, attrs })
    const r = reshape({ inputs: { x }, backend, attrs: { shape } })
    const v = reverse({ inputs: { x: r }, backend, attrs: { dims } })
    backend.disposeData(r.dataId)
    const out = reshape({ inputs: { x: v }, backend, attrs: { shape: x.shape.slice() } })
    backend.disposeData(v.dataId)
    return out
  }
  const stridedSlice = original('StridedSlice')
  /** StridedSlice above rank 4: one sliced axis per pass, on a rank-3 view `[before, axis, after]`. */
  const stridedSliceAnyRank: KernelFn = ({ inputs, backend, attrs }) => {
    const x = inputs['x']!
    const masked = ['beginMask', 'endMask', 'ellipsisMask', 'newAxisMask', 'shrinkAxisMask'].some((k) => ((attrs[k] as number | undefined) ?? 0) !== 0)
    if (x.shape.length <= 4 || masked) return stridedSlice({ inputs, backend, attrs })
    const [begin, end, strides] = (['begin', 'end', 'strides'] as const).map((k) => attrs[k] as number[])
    let cur = x
    const shape = x.shape.slice()
    shape.forEach((n, d) => {
      if (begin![d] === 0 && end![d]! >= n && strides![d] === 1) return
      const before = shape.slice(0, d).reduce((a, c) => a * c, 1)
      const after = shape.slice(d + 1).reduce((a, c) => a * c, 1)
      const r = reshape({ inputs: { x: cur }, backend, attrs: { shape: [before, n, after] } })
      const sl = stridedSlice({ inputs: { x: r }, backend, attrs: { ...attrs, begin: [0, begin![d]!, 0], end: [before, end![d]!, after], strides: [1, strides![d]!, 1] } })
      backend.disposeData(r.dataId)
      if (cur !== x) backend.disposeData(cur.dataId)
      shape[d] = sl.shape[1]!
      cur = sl
    })
    if (cur === x) return stridedSlice({ inputs, backend, attrs })
    const out = reshape({ inputs: { x: cur }, backend, attrs: { shape } })
    backend.disposeData(cur.dataId)
    return out
  }
  const table: Record<string, KernelFn> = {
    // NOTE: tfjs-webgpu's StridedSlice indexes a `vec5` above rank 4 (its shader fails, the output stays zeros).
    StridedSlice: stridedSliceAnyRank,
    // NOTE: tfjs-webgpu's Reverse reshapes to 4-d and throws above rank 4 (3-d conv kernels are 5-d).
    Reverse: reverseAnyRank,
    // NOTE: tfjs-webgpu's PadProgram indexes a `vec5` above rank 4, which WGSL lacks: merge runs of unpadded
    // dims first (the composition of interior padding adds a unit dim, so a 4-d NHWC pad becomes rank 5).
    PadV2: padAnyRank,
    // NOTE: tfjs-webgpu's Select throws above rank 4 and its Tile reads rank-5 inputs back synchronously (where.ts).
    Tile: tileAnyRank(original('Tile'), reshape),
  }
  function padAnyRank({ inputs, backend, attrs }: Parameters<KernelFn>[0]): TensorInfo {
    const x = inputs['x']!
    const paddings = attrs['paddings'] as [number, number][]
    if (x.shape.length <= 4) return pad({ inputs, backend, attrs })
    const shape: number[] = []
    const merged: [number, number][] = []
    let prevFree = false
    x.shape.forEach((d, i) => {
      const [b, a] = paddings[i]!
      const free = b === 0 && a === 0
      if (free && prevFree) shape[shape.length - 1]! *= d
      else { shape.push(d); merged.push([b, a]) }
      prevFree = free
    })
    if (shape.length > 4) {
      // Still too many: pad one dim per pass (each pass merges to rank ≤ 3).
      let cur = x
      paddings.forEach(([b, a], i) => {
        if (b === 0 && a === 0) return
        const one = paddings.map((p, j) => (j === i ? p : [0, 0]))
        const next = padAnyRank({ inputs: { x: cur }, backend, attrs: { ...attrs, paddings: one } })
        if (cur !== x) backend.disposeData(cur.dataId)
        cur = next
      })
      return cur === x ? pad({ inputs, backend, attrs }) : cur
    }
    const r = reshape({ inputs: { x }, backend, attrs: { shape } })
    const p = pad({ inputs: { x: r }, backend, attrs: { ...attrs, paddings: merged } })
    backend.disposeData(r.dataId)
    const out = reshape({ inputs: { x: p }, backend, attrs: { shape: x.shape.map((d, i) => d + paddings[i]![0] + paddings[i]![1]) } })
    backend.disposeData(p.dataId)
    return out
  }
  const select = selectAnyRank(original('Select'), reshape)
  const pow = original('Pow')
  const round = original('Round')
  return {
    ...table,
    // NOTE: tfjs-webgpu's int32 Pow truncates exp(b·log a) (3^8 → 6560): compute in float32 and round.
    Pow: ({ inputs, backend, attrs }) => {
      const { a, b } = inputs as { a: TensorInfo; b: TensorInfo }
      if (a.dtype !== 'int32') return pow({ inputs, backend, attrs })
      const fa = fixedCast({ inputs: { x: a }, backend, attrs: { dtype: 'float32' } })
      const fb = fixedCast({ inputs: { x: b }, backend, attrs: { dtype: 'float32' } })
      const p = pow({ inputs: { a: fa, b: fb }, backend, attrs })
      const r = round({ inputs: { x: p }, backend, attrs: {} })
      const out = cast({ inputs: { x: r }, backend, attrs: { dtype: 'int32' } })
      for (const t of [fa, fb, p, r]) backend.disposeData(t.dataId)
      return out
    },
    // NOTE: tfjs-webgpu's Cast relabels int32/bool buffers as float32 without converting their i32 storage,
    // so later float kernels read integer bit patterns (1 → 1.4e-45) or fail to compile.
    Cast: fixedCast,
    // NOTE: tfjs-webgpu's TransposeProgram does not compile for i32 buffers (it stores A[i] where an f32 is
    // expected): transpose as float32 and convert back (exact below 2^24, tfjs-webgpu's integer range anyway).
    Transpose: ({ inputs, backend, attrs }) => {
      const x = inputs['x']!
      if (x.dtype === 'float32') return transpose({ inputs, backend, attrs })
      const f = fixedCast({ inputs: { x }, backend, attrs: { dtype: 'float32' } })
      const t = transpose({ inputs: { x: f }, backend, attrs })
      backend.disposeData(f.dataId)
      const out = cast({ inputs: { x: t }, backend, attrs: { dtype: x.dtype } })
      backend.disposeData(t.dataId)
      return out
    },
    // NOTE: tfjs-webgpu's SelectProgram does not compile for a rank-0 condition (`getC()` called with an
    // index): one-element selects run on shape [1] and are reshaped back.
    Select: ({ inputs, backend, attrs }) => {
      const { condition, t, e } = inputs as { condition: TensorInfo; t: TensorInfo; e: TensorInfo }
      if (condition.shape.length > 0 || t.shape.reduce((a, b) => a * b, 1) !== 1) return select({ inputs, backend, attrs })
      const one = (x: TensorInfo): TensorInfo => reshape({ inputs: { x }, backend, attrs: { shape: [1] } })
      const parts = [one(condition), one(t), one(e)]
      const r = select({ inputs: { condition: parts[0]!, t: parts[1]!, e: parts[2]! }, backend, attrs })
      const out = reshape({ inputs: { x: r }, backend, attrs: { shape: t.shape.slice() } })
      for (const p of [...parts, r]) backend.disposeData(p.dataId)
      return out
    },
    Cumsum: scan('Cumsum'),
    Cumprod: scan('Cumprod'),
  }
}

let registered = false

/**
 * Registers tfjs-webgpu's kernels (and the fixes) under `kx-webgpu`, once; takes the loaded module's utils.
 * `software`: the loaded software.ts module when the device is CPU-backed, whose direct conv (small convs),
 * max-pool gradient, column sums and matmul replace tfjs's.
 */
export function registerKxWebGPUKernels(util: typeof WebGPUUtil, software?: { readonly installSoftwareKernels: typeof installSoftwareKernels }): void {
  if (registered) return
  registered = true
  const fixed = fixes(util)
  software?.installSoftwareKernels(fixed, { util, flatProgram, original })
  const flat = (shape: number[], key: string, code: string): Program => flatProgram(util, shape, key, code)
  for (const name of INT_MOVEMENT_KERNELS) fixed[name] = exactIntMovement(name, fixed[name] ?? original(name), flat)
  const broadcast = { tile: fixed['Tile']!, reshape: original('Reshape') }
  for (const name of INT_ARITHMETIC_KERNELS) fixed[name] = intArithmetic(fixed[name] ?? original(name), flat, broadcast, name)
  fixed['Asin'] = arcKernel(flat, false) as KernelFn
  fixed['Acos'] = arcKernel(flat, true) as KernelFn
  for (const name of IEEE_FIXED_KERNELS) fixed[name] = ieeeFix(name, fixed[name] ?? original(name), flat)
  for (const k of getKernelsForBackend('webgpu')) {
    const kernelFunc = (fixed[k.kernelName] ?? k.kernelFunc) as typeof k.kernelFunc
    if (!getKernel(k.kernelName, KX_WEBGPU)) registerKernel({ ...k, backendName: KX_WEBGPU, kernelFunc })
  }
  const randomUniform: KernelFn = ({ inputs, backend, attrs }) => {
    const shape = (attrs['shape'] as number[]).slice()
    const dtype = attrs['dtype'] as 'float32' | 'float16' | 'bfloat16' | undefined
    const code = dtype === 'float16' || dtype === 'bfloat16' ? THREEFRY_UNIFORM_NARROW_WGSL[dtype] : THREEFRY_UNIFORM_WGSL
    return (backend as RunsPrograms).runWebGPUProgram(flatProgram(util, shape, `kx_threefry_uniform_${dtype ?? 'float32'}`, code), [inputs['key']!], 'float32')
  }
  const erfInv: KernelFn = ({ inputs, backend }) => {
    const x = inputs['x']!
    return (backend as RunsPrograms).runWebGPUProgram(flatProgram(util, x.shape.slice(), 'kx_erf_inv', ERF_INV_WGSL), [x], 'float32')
  }
  const threefryPairs: KernelFn = ({ inputs, backend }) => {
    const { keys, counts } = inputs as { keys: TensorInfo; counts: TensorInfo }
    const program = flatProgram(util, keys.shape.slice(), 'kx_threefry_pairs', THREEFRY_PAIRS_WGSL)
    program.variableNames = ['A', 'B']
    return (backend as RunsPrograms).runWebGPUProgram(program, [keys, counts], 'int32')
  }
  const layerNorm: KernelFn = ({ inputs, backend, attrs }) => {
    const { x, gamma, beta } = inputs as { x: TensorInfo; gamma?: TensorInfo; beta?: TensorInfo }
    const [rows, depth] = x.shape as [number, number]
    const program = flatProgram(util, [rows], `kx_layer_norm_${gamma ? 'g' : ''}${beta ? 'b' : ''}`, layerNormWgsl(!!gamma, !!beta))
    Object.assign(program, { outputShape: x.shape.slice(), size: false, uniforms: 'rows : i32, depth : i32, eps : f32,' })
    program.variableNames = ['X', ...(gamma ? ['G'] : []), ...(beta ? ['B'] : [])]
    const uniforms = [{ type: 'int32', data: [rows] }, { type: 'int32', data: [depth] }, { type: 'float32', data: [attrs['epsilon'] as number] }]
    return (backend as RunsPrograms).runWebGPUProgram(program, [x, ...(gamma ? [gamma] : []), ...(beta ? [beta] : [])], 'float32', uniforms)
  }
  const adamUpdate: KernelFn = ({ inputs, backend, attrs }) => {
    const part = attrs['part'] as keyof typeof ADAM_PARTS
    const xs = Object.values(inputs)
    const n = xs[0]!.shape[0]!
    const program = flatProgram(util, [Math.ceil(n / ADAM_ELEMENTS)], `kx_adam_${part}`, adamPartWgsl(part))
    Object.assign(program, { outputShape: [n], size: false, variableNames: ADAM_PARTS[part].inputs.slice(), uniforms: 'n : i32, c : f32,' })
    return (backend as RunsPrograms).runWebGPUProgram(program, xs, 'float32', [{ type: 'int32', data: [n] }, { type: 'float32', data: [attrs['c'] as number] }])
  }
  registerKernel({ kernelName: KX_ADAM_UPDATE, backendName: KX_WEBGPU, kernelFunc: adamUpdate as never })
  registerKernel({ kernelName: KX_ADAM_STEP, backendName: KX_WEBGPU, kernelFunc: adamStepKernel(adamUpdate) as never })
  registerKernel({ kernelName: KX_LAYER_NORM, backendName: KX_WEBGPU, kernelFunc: layerNorm as never })
  registerKernel({ kernelName: KX_RANDOM_UNIFORM, backendName: KX_WEBGPU, kernelFunc: randomUniform as never })
  registerKernel({ kernelName: KX_THREEFRY_PAIRS, backendName: KX_WEBGPU, kernelFunc: threefryPairs as never })
  registerKernel({ kernelName: KX_ERF_INV, backendName: KX_WEBGPU, kernelFunc: erfInv as never })
  registerKernel({ kernelName: KX_SORT, backendName: KX_WEBGPU, kernelFunc: sortKernel(flat) as never })
  registerKernel({ kernelName: KX_QR, backendName: KX_WEBGPU, kernelFunc: qrKernel(flat) as never })
  registerKernel({ kernelName: KX_CHOLESKY, backendName: KX_WEBGPU, kernelFunc: choleskyKernel(flat) as never })
  registerKernel({ kernelName: KX_TRIANGULAR_SOLVE, backendName: KX_WEBGPU, kernelFunc: triangularSolveKernel(flat) as never })
  registerKernel({ kernelName: KX_LU, backendName: KX_WEBGPU, kernelFunc: luKernel(flat) as never })
  registerKernel({ kernelName: KX_INT_REDUCE, backendName: KX_WEBGPU, kernelFunc: intReduceKernel(flat) as never })
  registerKernel({ kernelName: KX_LGAMMA, backendName: KX_WEBGPU, kernelFunc: gammaUnaryKernel(flat, 'lgamma') as never })
  registerKernel({ kernelName: KX_DIGAMMA, backendName: KX_WEBGPU, kernelFunc: gammaUnaryKernel(flat, 'digamma') as never })
  registerKernel({ kernelName: KX_IGAMMA, backendName: KX_WEBGPU, kernelFunc: igammaKernel(flat) as never })
  registerKernel({ kernelName: KX_BITCAST, backendName: KX_WEBGPU, kernelFunc: bitcastKernel(flat) as never })
  registerKernel({ kernelName: KX_INT_MATMUL, backendName: KX_WEBGPU, kernelFunc: intMatMulKernel(flat) as never })
  registerKernel({ kernelName: KX_DFT, backendName: KX_WEBGPU, kernelFunc: dftKernel(flat) as never })
  registerKernel({ kernelName: KX_IRDFT, backendName: KX_WEBGPU, kernelFunc: irdftKernel(flat) as never })
  registerKernel({ kernelName: KX_EIGH, backendName: KX_WEBGPU, kernelFunc: eighKernel(flat) as never })
  registerKernel({ kernelName: KX_SVD, backendName: KX_WEBGPU, kernelFunc: svdKernel(flat) as never })
  for (const op of ['and', 'or', 'xor'] as const) {
    if (!getKernel(KX_BITWISE[op], KX_WEBGPU)) registerKernel({ kernelName: KX_BITWISE[op], backendName: KX_WEBGPU, kernelFunc: bitwiseKernel(flat, broadcast, op) as never })
  }
}
