/** @file Reductions, argmax/argmin and cumulative scans on tfjs kernels. */
import type { TensorInfo } from '@tensorflow/tfjs-core'
import type { ReducePrim } from '@kx/core'
import { tfDtype, type TfDType, type TfjsKernelContext } from '../context.js'
import { binary, cast, highest, lowest, prod, range, slice, transpose } from '../helpers.js'
import { hostRule, type TfjsRule, type TfjsRuleTable } from './types.js'
import { hostSum } from './host-loops.js'

/** Kernel and attribute name of each reduction, by operand kind; null means the host runs it. */
const REDUCE: { [P in ReducePrim]: { num: string | null; bool: string; axisAttr: string; identity: (d: TfDType) => number } } = {
  reduce_sum: { num: 'Sum', bool: 'Any', axisAttr: 'axis', identity: () => 0 },
  reduce_max: { num: 'Max', bool: 'Any', axisAttr: 'reductionIndices', identity: lowest },
  reduce_min: { num: 'Min', bool: 'All', axisAttr: 'axis', identity: highest },
  reduce_prod: { num: 'Prod', bool: 'All', axisAttr: 'axis', identity: () => 1 },
  reduce_and: { num: null, bool: 'All', axisAttr: 'axis', identity: () => 1 },
  reduce_or: { num: null, bool: 'Any', axisAttr: 'axis', identity: () => 0 },
}

/**
 * `x` with `axes` moved last, and their new positions, where the engine's own transposes of ints / bools are
 * broken (tfjs-webgpu transposes inside reductions over leading axes): ours (`transpose`) are not.
 */
function axesLast(ctx: TfjsKernelContext, x: TensorInfo, axes: readonly number[]): [TensorInfo, number[]] {
  const rest = range(x.shape.length).filter((d) => !axes.includes(d))
  if (!ctx.traits.quirks?.intTransposeBroken || x.shape.length < 3 || axes.every((a, i) => a === rest.length + i)) return [x, axes.slice()]
  return [transpose(ctx, x, [...rest, ...axes]), axes.map((_, i) => rest.length + i)]
}

function reduceRule<P extends ReducePrim>(p: P): TfjsRule<P> {
  const spec = REDUCE[p]
  const host = hostRule(p)
  return (ctx, inputs, params, outputs) => {
    const x = inputs[0]!
    const { axes } = params
    const bool = x.dtype === 'bool'
    const name = bool ? spec.bool : spec.num
    if (name === null) return host(ctx, inputs, params, outputs)
    if (axes.length === 0) return [x]
    const out = outputs[0]!
    // NOTE: an empty operand reduces to the identity; wasm would leave its output uninitialised.
    if (prod(x.shape) === 0) return [ctx.constant(spec.identity(x.dtype as TfDType), x.dtype as TfDType, out.shape)]
    if (p === 'reduce_sum') { const s = hostSum(ctx, x, axes, out.shape); if (s) return [s] }
    const attr = p === 'reduce_max' && bool ? 'axis' : spec.axisAttr
    const [y, last] = x.dtype === 'float32' ? [x, axes.slice()] : axesLast(ctx, x, axes)
    return [ctx.kernel(name, { x: y }, { [attr]: last, keepDims: false })]
  }
}

/** Shifts `x` by `off` along `axis` (toward higher indices), filling with `fill` (exact for any int32). */
function shift(ctx: TfjsKernelContext, x: TensorInfo, axis: number, off: number, fill: number): TensorInfo {
  const head = ctx.constant(fill, x.dtype as TfDType, x.shape.map((d, i) => (i === axis ? off : d)))
  const body = slice(ctx, x, x.shape.map(() => 0), x.shape.map((d, i) => (i === axis ? d - off : d)))
  return ctx.kernel('Concat', [head, body], { axis })
}

/** Inclusive running max/min by a Hillis–Steele scan: log2(n) rounds of shift + Maximum/Minimum. */
function cumExtreme(kind: 'max' | 'min'): TfjsRule<'cummax' | 'cummin'> {
  const host = hostRule(kind === 'max' ? 'cummax' : 'cummin')
  return (ctx, inputs, params, outputs) => {
    const x = inputs[0]!
    if (x.dtype === 'bool') return host(ctx, inputs, params, outputs)
    const { axis, reverse } = params
    const dt = x.dtype as TfDType
    const n = x.shape[axis]!
    let y = reverse ? ctx.kernel('Reverse', { x }, { dims: [axis] }) : x
    const fill = kind === 'max' ? lowest(dt) : highest(dt)
    for (let off = 1; off < n; off *= 2) y = binary(ctx, kind === 'max' ? 'Maximum' : 'Minimum', y, shift(ctx, y, axis, off, fill))
    return [reverse ? ctx.kernel('Reverse', { x: y }, { dims: [axis] }) : y]
  }
}

function scanRule(kernel: 'Cumsum' | 'Cumprod', prim: 'cumsum' | 'cumprod'): TfjsRule<'cumsum' | 'cumprod'> {
  const host = hostRule(prim)
  return (ctx, inputs, params, outputs) => {
    const x = inputs[0]!
    if (x.dtype === 'bool' || prod(x.shape) === 0) return host(ctx, inputs, params, outputs)
    return [ctx.kernel(kernel, { x }, { axis: params.axis, exclusive: false, reverse: params.reverse })]
  }
}

/** argmax/argmin with NumPy's rules: the first extreme wins, and the first NaN beats everything
 * (tfjs's kernels skip NaN), so rows holding a NaN take the index of their first NaN. */
function argRule(kernel: 'ArgMax' | 'ArgMin'): TfjsRule<'argmax' | 'argmin'> {
  return (ctx, [x0], { axis: axis0 }, [out]) => {
    const [x, [axis]] = [...axesLast(ctx, x0!, [axis0])] as [TensorInfo, [number]]
    // NOTE: bool operands compare as 0/1; tfjs's argmax kernels take numbers only.
    let y = ctx.kernel(kernel, { x: x!.dtype === 'bool' ? cast(ctx, x!, 'int32') : x! }, { axis })
    if (x!.dtype === 'float32' && prod(x!.shape) > 0) {
      const nan = binary(ctx, 'NotEqual', x!, x!)
      const firstNaN = ctx.kernel('ArgMax', { x: cast(ctx, nan, 'int32') }, { axis })
      y = ctx.kernel('Select', { condition: ctx.kernel('Any', { x: nan }, { axis: [axis], keepDims: false }), t: firstNaN, e: y })
    }
    return [cast(ctx, y, tfDtype(out!.dtype))]
  }
}

export const reduceRules = {
  reduce_sum: reduceRule('reduce_sum'),
  reduce_max: reduceRule('reduce_max'),
  reduce_min: reduceRule('reduce_min'),
  reduce_prod: reduceRule('reduce_prod'),
  reduce_and: reduceRule('reduce_and'),
  reduce_or: reduceRule('reduce_or'),
  argmax: argRule('ArgMax'),
  argmin: argRule('ArgMin'),
  cumsum: scanRule('Cumsum', 'cumsum'),
  cumprod: scanRule('Cumprod', 'cumprod'),
  cummax: cumExtreme('max'),
  cummin: cumExtreme('min'),
} satisfies Partial<TfjsRuleTable>
