/**
 * @file A direct 2-d convolution (NHWC input, HWIO filter) for CPU-backed WebGPU adapters (Mesa lavapipe,
 * SwiftShader): each invocation owns four neighbouring output pixels of one output channel and reads the
 * input and filter straight from their buffers. tfjs-webgpu's conv2DMM tiles through workgroup shared
 * memory, which pays off for large convolutions but is slow on a software adapter for few input channels
 * (a first layer on images: ~9× slower, measured on lavapipe) and for small outputs (batch-1 inference:
 * ~3×); those go here, everything else stays on tfjs's kernel. Sizes are compiled into the shader.
 */
import type { TensorInfo } from '@tensorflow/tfjs-core'
import type { webgpu_util as WebGPUUtil } from '@tensorflow/tfjs-backend-webgpu'
import type { KernelFn, Program, RunsPrograms } from './kernels.js'

export { ACTIVATIONS, isSoftwareAdapter } from './adapter.js'
import { ACTIVATIONS } from './adapter.js'

/** Output pixels (along the width) each invocation computes. */
const PIXELS = 4

/** WGSL body: `out[n, oh, ow, co] = act(Σ X[n, ih, iw, ci] · W[kh, kw, ci, co] + bias[co])`, zero padding. */
export function directConvWgsl(hasBias: boolean, activation: string, c: ConvSizes): string {
  const px = Array.from({ length: PIXELS }, (_, i) => i)
  return `
      fn activate(x : f32) -> f32 { return ${ACTIVATIONS[activation]}; }
      fn main(index : i32) {
        if (index >= ${c.total}) { return; }
        // NOTE: a static use keeps the uniform buffer in the auto layout (tfjs always binds it).
        _ = uniforms.alpha;
        let cout = ${c.cout};
        let cin = ${c.cin};
        let co = index % cout;
        var t = index / cout;
        let owb = (${c.ow} + ${PIXELS - 1}) / ${PIXELS};
        let ow0 = (t % owb) * ${PIXELS};
        t = t / owb;
        let oh = t % ${c.oh};
        let n = t / ${c.oh};
        ${px.map((i) => `var acc${i} = 0.0;`).join('\n        ')}
        for (var kh = 0; kh < ${c.kh}; kh++) {
          let ih = oh * ${c.sh} - ${c.pt} + kh * ${c.dh};
          if (ih < 0 || ih >= ${c.h}) { continue; }
          let rowBase = (n * ${c.h} + ih) * ${c.w};
          for (var kw = 0; kw < ${c.kw}; kw++) {
            ${px.map((i) => `let iw${i} = (ow0 + ${i}) * ${c.sw} - ${c.pl} + kw * ${c.dw};
            let ok${i} = iw${i} >= 0 && iw${i} < ${c.w};
            let x${i} = (rowBase + clamp(iw${i}, 0, ${c.w} - 1)) * cin;`).join('\n            ')}
            let wBase = (kh * ${c.kw} + kw) * cin * cout + co;
            for (var ci = 0; ci < cin; ci++) {
              let wv = W[wBase + ci * cout];
              ${px.map((i) => `acc${i} = fma(select(0.0, X[x${i} + ci], ok${i}), wv, acc${i});`).join('\n              ')}
            }
          }
        }
        let bias = ${hasBias ? 'Bias[co]' : '0.0'};
        let o = ((n * ${c.oh} + oh) * ${c.ow} + ow0) * cout + co;
        ${px.map((i) => `if (ow0 + ${i} < ${c.ow}) { setOutputAtIndex(o + ${i} * cout, activate(acc${i} + bias)); }`).join('\n        ')}
      }`
}

/** Sizes compiled into a conv shader. */
export interface ConvSizes {
  readonly total: number; readonly h: number; readonly w: number; readonly cin: number; readonly oh: number; readonly ow: number; readonly cout: number
  readonly kh: number; readonly kw: number; readonly sh: number; readonly sw: number; readonly dh: number; readonly dw: number; readonly pt: number; readonly pl: number
}

const pair = (v: unknown): [number, number] | null =>
  (typeof v === 'number' ? [v, v] : Array.isArray(v) && v.length === 2 && v.every((d) => typeof d === 'number') ? [v[0], v[1]] : null)

/** Below these the direct kernel beats tfjs's on lavapipe: input channels, or output elements. */
const FEW_CHANNELS = 4
const SMALL_OUTPUT = 32 * 1024

/**
 * `Conv2D` / `FusedConv2D` on the direct kernel where it applies and is faster (float32 NHWC, explicit or
 * `valid` padding, bias of one value per output channel, the activations above; few input channels or a
 * small output), `fallback` (tfjs's) otherwise.
 */
export function directConv2D(util: typeof WebGPUUtil, flatProgram: (util: typeof WebGPUUtil, shape: number[], key: string, code: string) => Program, fallback: KernelFn): KernelFn {
  return (args) => {
    const { inputs, backend, attrs } = args
    const { x, filter, bias, preluActivationWeights } = inputs as { x: TensorInfo; filter: TensorInfo; bias?: TensorInfo; preluActivationWeights?: TensorInfo }
    const activation = (attrs['activation'] as string | undefined) ?? 'linear'
    const strides = pair(attrs['strides'])
    const dilations = pair(attrs['dilations'] ?? 1)
    const padAttr = attrs['pad']
    const pad = padAttr === 'valid' ? [[0, 0], [0, 0], [0, 0], [0, 0]] : padAttr as number[][]
    if (x.dtype !== 'float32' || filter.dtype !== 'float32' || preluActivationWeights || !(activation in ACTIVATIONS) || !strides || !dilations
      || (attrs['dataFormat'] ?? 'NHWC') !== 'NHWC' || !Array.isArray(pad) || pad.length !== 4 || x.shape.length !== 4 || filter.shape.length !== 4) return fallback(args)
    const [n, h, w, cin] = x.shape as [number, number, number, number]
    const [kh, kw, fin, cout] = filter.shape as [number, number, number, number]
    const [[pt, pb], [pl, pr]] = [pad[1]!, pad[2]!] as [[number, number], [number, number]]
    if (fin !== cin || (bias && (bias.dtype !== 'float32' || bias.shape.reduce((a, b) => a * b, 1) !== cout))) return fallback(args)
    const oh = Math.floor((h + pt + pb - dilations[0] * (kh - 1) - 1) / strides[0]) + 1
    const ow = Math.floor((w + pl + pr - dilations[1] * (kw - 1) - 1) / strides[1]) + 1
    const total = n * oh * Math.ceil(ow / PIXELS) * cout
    if (oh <= 0 || ow <= 0 || n === 0 || cout === 0 || cin === 0 || (cin > FEW_CHANNELS && n * oh * ow * cout > SMALL_OUTPUT)) return fallback(args)
    const c: ConvSizes = { total, h, w, cin, oh, ow, cout, kh, kw, sh: strides[0], sw: strides[1], dh: dilations[0], dw: dilations[1], pt, pl }
    const program = flatProgram(util, [total], `kx_conv2d_${bias ? 'b' : ''}_${activation}_${Object.values(c).join('_')}`, directConvWgsl(!!bias, activation, c))
    Object.assign(program, { variableNames: bias ? ['X', 'W', 'Bias'] : ['X', 'W'], outputShape: [n, oh, ow, cout], size: false, uniforms: 'alpha : f32,' })
    const uniforms = [{ type: 'float32', data: [(attrs['leakyreluAlpha'] as number | undefined) ?? 0.2] }]
    return (backend as RunsPrograms).runWebGPUProgram(program, bias ? [x, filter, bias] : [x, filter], 'float32', uniforms)
  }
}
