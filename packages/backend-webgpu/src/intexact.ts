/**
 * @file Exact int32 data movement on tfjs-webgpu. Its copy kernels (Slice, Transpose, Concat, Gather, Select,
 * …) read inputs through f32 accessors, so int32 values beyond 2^24 come out rounded (PRNG keys and random
 * bits: `shuffle`, `beta`, `gamma` drew other numbers than `reference`). The hot ones in PRNG loops (Select,
 * Tile and Slice up to rank 4) run kx's own int32 programs; the others split each int32 operand into 16-bit
 * halves (exact in f32), move both with the same kernel, and join them again in WGSL.
 */
import { slice_util, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core'
import type { KernelFn, Program, RunsPrograms } from './kernels.js'
import type { FlatProgramMaker } from './sort.js'

/** tfjs kernels that only move values: their int32 operands (not `indices`) are moved in halves. */
export const INT_MOVEMENT_KERNELS = ['Slice', 'StridedSlice', 'Transpose', 'Concat', 'GatherV2', 'GatherNd', 'Select', 'Reverse', 'PadV2', 'TensorScatterUpdate', 'Tile'] as const

const HALF_WGSL = (hi: boolean): string => `
      fn main(index : i32) {
        if (index < uniforms.size) { setOutputAtIndexI32(index, A[index] ${hi ? '>> 16u' : '& 0xffff'}); }
      }`

const JOIN_WGSL = `
      fn main(index : i32) {
        if (index < uniforms.size) { setOutputAtIndexI32(index, (A[index] << 16u) | B[index]); }
      }`

/** `shape` as 4 dims (leading 1s), for the vec4 uniforms of the direct programs. */
const four = (shape: readonly number[]): number[] => [...[1, 1, 1, 1].slice(shape.length), ...shape]
const vec4 = (v: number[]): { type: string; data: number[] } => ({ type: 'int32', data: v })
const stridesOf = (dims: number[]): number[] => dims.map((_, d) => dims.slice(d + 1).reduce((a, b) => a * b, 1))

/** WGSL: the source index of output `index` (4-d coords from `outDims`) under `inStrides`, offset by `begin` or wrapped by `inDims`. */
const SOURCE_INDEX_WGSL = (wrap: boolean): string => `
      fn kxSource(index : i32) -> i32 {
        var rem = index;
        var src = 0;
        for (var d = 3; d >= 0; d--) {
          let c = rem % uniforms.outDims[d];
          rem = rem / uniforms.outDims[d];
          src = src + ${wrap ? '(c % uniforms.inDims[d])' : '(c + uniforms.begin[d])'} * uniforms.inStrides[d];
        }
        return src;
      }`

/** Select, Tile and Slice on int32 as one exact program each (null: not covered, use the halves). */
function direct(name: string, inputs: Record<string, TensorInfo>, attrs: NamedAttrMap, flat: FlatProgramMaker): [Program, TensorInfo[], { type: string; data: number[] }[]] | null {
  if (name === 'Select') {
    const { condition, t, e } = inputs as { condition: TensorInfo; t: TensorInfo; e: TensorInfo }
    const size = t.shape.reduce((a, b) => a * b, 1)
    const inner = size / Math.max(1, condition.shape.reduce((a, b) => a * b, 1))
    const code = `
      fn main(index : i32) {
        if (index < uniforms.size) { setOutputAtIndexI32(index, select(E[index], T[index], C[index / uniforms.inner] != 0)); }
      }`
    return [Object.assign(flat(t.shape.slice(), 'kx_int_select', code), { variableNames: ['C', 'T', 'E'], uniforms: 'inner : i32,' }), [condition, t, e], [{ type: 'int32', data: [inner] }]]
  }
  const x = inputs['x']
  if ((name !== 'Tile' && name !== 'Slice') || !x || x.shape.length > 4) return null
  const uniforms = 'outDims : vec4<i32>, inDims : vec4<i32>, inStrides : vec4<i32>, begin : vec4<i32>,'
  const main = `
      fn main(index : i32) {
        if (index < uniforms.size) { setOutputAtIndexI32(index, A[kxSource(index)]); }
      }`
  if (name === 'Tile') {
    const reps = attrs['reps'] as number[]
    const out = x.shape.map((d, i) => d * reps[i]!)
    const program = Object.assign(flat(out, 'kx_int_tile', SOURCE_INDEX_WGSL(true) + main), { uniforms })
    return [program, [x], [four(out), four(x.shape), stridesOf(four(x.shape)), [0, 0, 0, 0]].map(vec4)]
  }
  const [begin, size] = slice_util.parseSliceParams(x as never, attrs['begin'] as number[], attrs['size'] as number[])
  const program = Object.assign(flat(size.slice(), 'kx_int_slice', SOURCE_INDEX_WGSL(false) + main), { uniforms })
  return [program, [x], [four(size), four(x.shape), stridesOf(four(x.shape)), [...[0, 0, 0, 0].slice(begin.length), ...begin]].map(vec4)]
}

/**
 * Wraps movement kernel `name`: int32 operands (all but `indices`, `condition`) run kx's direct program or
 * move as high and low 16-bit halves.
 */
export function exactIntMovement(name: string, kernel: KernelFn, flat: FlatProgramMaker): KernelFn {
  return ({ inputs, backend, attrs }) => {
    const names = Object.keys(inputs).filter((k) => k !== 'indices' && k !== 'condition' && inputs[k]!.dtype === 'int32')
    // Empty operands have no values to round (and zero-size programs are not dispatched).
    if (names.length === 0 || names.some((k) => inputs[k]!.shape.some((d) => d === 0))) return kernel({ inputs, backend, attrs })
    const one = direct(name, inputs, attrs, flat)
    if (one) return (backend as RunsPrograms).runWebGPUProgram(one[0], one[1], 'int32', one[2])
    const run = backend as RunsPrograms
    const temps: TensorInfo[] = []
    const half = (hi: boolean): TensorInfo => {
      const parts: Record<string, TensorInfo> = Array.isArray(inputs) ? ([...inputs] as never) : { ...inputs }
      for (const k of names) {
        const x = inputs[k]!
        const h = run.runWebGPUProgram(flat(x.shape.slice(), hi ? 'kx_int_hi' : 'kx_int_lo', HALF_WGSL(hi)), [x], 'int32')
        temps.push(h)
        parts[k] = h
      }
      const c = attrs['constantValue']
      // A pad value splits like the operand (PadV2's constant).
      const split = typeof c === 'number' ? { ...attrs, constantValue: hi ? c >> 16 : c & 0xffff } : attrs
      const out = kernel({ inputs: parts, backend, attrs: split })
      temps.push(out)
      return out
    }
    const [hi, lo] = [half(true), half(false)]
    if (hi.shape.some((d) => d === 0)) {
      for (const t of temps.filter((t) => t !== hi)) backend.disposeData(t.dataId)
      return hi
    }
    const join = Object.assign(flat(hi.shape.slice(), 'kx_int_join', JOIN_WGSL), { variableNames: ['A', 'B'] })
    const out = run.runWebGPUProgram(join, [hi, lo], 'int32')
    for (const t of temps) backend.disposeData(t.dataId)
    return out
  }
}
