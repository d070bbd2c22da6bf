/**
 * @file int32 bitwise and/or/xor on the device: tfjs-webgpu has no BitwiseAnd kernel, and backend-tfjs's
 * `or`/`xor` compositions from it (`a + b − (a & b)`) go through tfjs-webgpu's int32 arithmetic, which is
 * computed in f32 (wrong beyond 2^24: random bits, `shuffle`), as are int32 Add/Sub/Multiply. kx runs all
 * of them exactly on the i32 buffers, broadcasting like tfjs's binary kernels, and the int32 (bitwise)
 * `reduce_and`/`reduce_or`, which backend-tfjs runs on the host.
 */
import { backend_util, type KernelBackend, type TensorInfo } from '@tensorflow/tfjs-core'
import { TFJS_PRIM_RULES, type TfjsRule } from '@kx/backend-tfjs'
import type { KernelFn, Program, RunsPrograms } from './kernels.js'
import type { FlatProgramMaker } from './sort.js'

/** The bitwise operations, by WGSL operator. */
const OPS = { and: '&', or: '|', xor: '^' } as const
type BitwisePrim = keyof typeof OPS
/** int32 arithmetic kernels tfjs-webgpu computes in f32, by WGSL operator (WGSL's i32 wraps like int32). */
const ARITHMETIC = { Add: '+', Sub: '-', Multiply: '*' } as const
/** The tfjs kernels whose int32 case kx computes exactly (`intArithmetic`). */
export const INT_ARITHMETIC_KERNELS = Object.keys(ARITHMETIC) as (keyof typeof ARITHMETIC)[]

/** The tfjs kernel names kx registers under `kx-webgpu` (`BitwiseAnd` is tfjs's own name, which backend-tfjs calls). */
export const KX_BITWISE: { readonly [P in BitwisePrim]: string } = { and: 'BitwiseAnd', or: 'KxBitwiseOr', xor: 'KxBitwiseXor' }

/**
 * WGSL body of `A op B` on int32, read exactly from the i32 buffers (tfjs's accessors go through f32, exact
 * only below 2^24). Operands have the output's size or one element (`scalarA`/`scalarB`); the code does
 * not depend on shapes, so one pipeline serves every shape (lavapipe keeps a descriptor pool per pipeline).
 */
function binaryWgsl(op: string, scalarA: boolean, scalarB: boolean): string {
  return `
      fn main(index : i32) {
        if (index < uniforms.size) { setOutputAtIndexI32(index, A[${scalarA ? '0' : 'index'}] ${op} B[${scalarB ? '0' : 'index'}]); }
      }`
}

/** The (exact) int32 Tile and Reshape kernels int32 operands are broadcast with. */
export interface IntBroadcast { readonly tile: KernelFn; readonly reshape: KernelFn }

/** `x` broadcast to `shape`, or `x` itself when it needs none. */
function broadcastTo(kernels: IntBroadcast, backend: KernelBackend, x: TensorInfo, shape: number[]): TensorInfo {
  if (x.shape.length === shape.length && x.shape.every((d, i) => d === shape[i])) return x
  const aligned = [...shape.slice(0, shape.length - x.shape.length).map(() => 1), ...x.shape]
  const r = kernels.reshape({ inputs: { x }, backend, attrs: { shape: aligned } })
  const out = kernels.tile({ inputs: { x: r }, backend, attrs: { reps: shape.map((d, i) => (aligned[i] === d ? 1 : d)) } })
  backend.disposeData(r.dataId)
  return out
}

/** The kernel function of a bitwise operation on int32 `{ a, b }`. */
export function bitwiseKernel(flat: FlatProgramMaker, kernels: IntBroadcast, op: BitwisePrim): (args: { inputs: Record<string, TensorInfo>; backend: KernelBackend }) => TensorInfo {
  return ({ inputs, backend }) => {
    const { a, b } = inputs as { a: TensorInfo; b: TensorInfo }
    return runIntBinary(flat, kernels, backend, OPS[op], op, a, b)
  }
}

/** Runs `a op b` on int32 operands (broadcast) with `binaryWgsl`. */
function runIntBinary(flat: FlatProgramMaker, kernels: IntBroadcast, backend: KernelBackend, op: string, name: string, a: TensorInfo, b: TensorInfo): TensorInfo {
  const shape = backend_util.assertAndGetBroadcastShape(a.shape, b.shape)
  const size = shape.reduce((x, y) => x * y, 1)
  const one = (t: TensorInfo): boolean => t.shape.reduce((x, y) => x * y, 1) === 1 && size !== 1
  const [sa, sb] = [one(a), one(b)]
  const [ta, tb] = [sa ? a : broadcastTo(kernels, backend, a, shape), sb ? b : broadcastTo(kernels, backend, b, shape)]
  const program: Program = Object.assign(flat(shape, `kx_int_${name}_${+sa}${+sb}`, binaryWgsl(op, sa, sb)), { variableNames: ['A', 'B'] })
  const out = (backend as RunsPrograms).runWebGPUProgram(program, [ta, tb], 'int32')
  for (const [t, orig] of [[ta, a], [tb, b]] as const) if (t !== orig) backend.disposeData(t.dataId)
  return out
}

/**
 * Wraps tfjs's Add/Sub/Multiply: int32 operands run exactly, wrapping like int32 (tfjs-webgpu computes them
 * in f32, which rounds beyond 2^24: index and PRNG arithmetic).
 */
export function intArithmetic(kernel: KernelFn, flat: FlatProgramMaker, kernels: IntBroadcast, name: keyof typeof ARITHMETIC): KernelFn {
  return (args) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo }
    return a.dtype === 'int32' && b.dtype === 'int32' ? runIntBinary(flat, kernels, args.backend, ARITHMETIC[name], name, a, b) : kernel(args)
  }
}

/** The `and`/`or`/`xor` rule on webgpu: int32 through kx's exact kernel, bool as backend-tfjs does it. */
export function bitwiseRule<P extends BitwisePrim>(op: P): TfjsRule<P> {
  const tfjs = TFJS_PRIM_RULES[op] as TfjsRule<P>
  return (ctx, inputs, params, outputs) => {
    const [a, b] = inputs as [TensorInfo, TensorInfo]
    return a.dtype === 'int32' ? [ctx.kernel(KX_BITWISE[op], { a, b })] : tfjs(ctx, inputs, params, outputs)
  }
}

/** kx's own tfjs kernel (under `kx-webgpu`): int32 and/or over the last axis of `{ x }` (`[outer, r]`), attrs `{ op }`. */
export const KX_INT_REDUCE = 'KxIntReduce'

/** The `KxIntReduce` kernel: one invocation per row, folding it with `&` (from all ones) or `|` (from 0). */
export function intReduceKernel(flat: FlatProgramMaker): (args: { inputs: Record<string, TensorInfo>; backend: KernelBackend; attrs: Record<string, unknown> }) => TensorInfo {
  return ({ inputs, backend, attrs }) => {
    const x = inputs['x']!
    const [outer, r] = x.shape as [number, number]
    const and = attrs['op'] === 'and'
    const code = `
      fn main(index : i32) {
        if (index >= uniforms.size) { return; }
        var acc : i32 = ${and ? '-1' : '0'};
        for (var k = 0; k < uniforms.r; k++) { acc = acc ${and ? '&' : '|'} A[index * uniforms.r + k]; }
        setOutputAtIndexI32(index, acc);
      }`
    const program = Object.assign(flat([outer], `kx_int_reduce_${and ? 'and' : 'or'}`, code), { uniforms: 'r : i32,' })
    return (backend as RunsPrograms).runWebGPUProgram(program, [x], 'int32', [{ type: 'int32', data: [r] }])
  }
}

/**
 * The `reduce_and`/`reduce_or` rule on webgpu: int32 (bitwise, host-only in backend-tfjs) with the reduced
 * axes moved last (exact int32 transpose) and `KxIntReduce`; bool as backend-tfjs does it.
 */
export function bitwiseReduceRule<P extends 'reduce_and' | 'reduce_or'>(prim: P): TfjsRule<P> {
  const tfjs = TFJS_PRIM_RULES[prim] as TfjsRule<P>
  return (ctx, inputs, params, outputs) => {
    const x = inputs[0]!
    const { axes } = params
    if (x.dtype !== 'int32' || axes.length === 0) return tfjs(ctx, inputs, params, outputs)
    const out = outputs[0]!
    if (x.shape.some((d) => d === 0)) return [ctx.constant(prim === 'reduce_and' ? -1 : 0, 'int32', out.shape)]
    const rest = x.shape.map((_, i) => i).filter((i) => !axes.includes(i))
    const perm = [...rest, ...axes]
    const moved = perm.every((p, i) => p === i) ? x : ctx.kernel('Transpose', { x }, { perm })
    const r = axes.reduce((a, i) => a * x.shape[i]!, 1)
    const rows = ctx.kernel('Reshape', { x: moved }, { shape: [x.shape.reduce((a, b) => a * b, 1) / r, r] })
    const y = ctx.kernel(KX_INT_REDUCE, { x: rows }, { op: prim === 'reduce_and' ? 'and' : 'or' })
    return [ctx.kernel('Reshape', { x: y }, { shape: out.shape.slice() })]
  }
}
