/**
 * @file `sort` and `top_k` on the device: a bitonic sorting network per row in WGSL. backend-tfjs runs both
 * on the host (tfjs's TopK has no NaN order and is not stable), which needs a synchronous read; WebGPU
 * reads are async only. Each row (the sorted axis of `x` viewed as `[outer, n, inner]`, so no transpose) is
 * padded to a power of two `P`; the network permutes a row of source indices, comparing `(value, index)`
 * pairs — a total order, so the result is the stable order of core's `reference` (and JAX's): ascending
 * or descending with NaN last for `sort`, largest first with NaN largest for `top_k`, ties by lower index,
 * −0 equal to 0. Padding slots sort after everything.
 */
import type { KernelBackend, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core'
import type { TfDType, TfjsKernelContext, TfjsRule } from '@kx/backend-tfjs'
import type { Program, RunsPrograms } from './kernels.js'

/** kx's own tfjs kernel (under `kx-webgpu`): inputs `{ x }`, attrs `{ axis, order, k }`; outputs `[values, int32 indices]`. */
export const KX_SORT = 'KxSort'

/** The row orders: `sort` ascending / descending (NaN last), `top_k` (largest first, NaN largest). */
export type SortOrder = 'ascending' | 'descending' | 'largest'

/** Makes a flat program (one invocation per output element) over `shape`. */
export type FlatProgramMaker = (shape: number[], shaderKey: string, code: string) => Program

const UNIFORMS = 'n : i32, inner : i32, p2 : i32, kk : i32, j : i32, m : i32,'

/**
 * WGSL `kxBefore(row, a, b)`: whether source index `a` of `row` precedes `b` (the total order above).
 * `X` is the input, read at `(row / inner) · n · inner + idx · inner + row % inner`.
 */
function beforeWgsl(order: SortOrder, float: boolean): string {
  const firstIfGreater = order !== 'ascending'
  // NaN's class: 1 (after numbers) for sort, 0 (before numbers) for top_k.
  const nanClass = order === 'largest' ? 0 : 1
  return `
      fn kxBefore(row : i32, a : i32, b : i32) -> bool {
        let n = uniforms.n;
        if (a >= n || b >= n) { return select((a < n), (a < b), (a >= n) && (b >= n)); }
        let base = (row / uniforms.inner) * n * uniforms.inner + row % uniforms.inner;
        let va = X[base + a * uniforms.inner];
        let vb = X[base + b * uniforms.inner];
        ${float ? `
        let ca = select(${1 - nanClass}, ${nanClass}, isnan(va));
        let cb = select(${1 - nanClass}, ${nanClass}, isnan(vb));
        if (ca != cb) { return ca < cb; }
        if (isnan(va)) { return a < b; }` : ''}
        if (va ${firstIfGreater ? '>' : '<'} vb) { return true; }
        if (va ${firstIfGreater ? '<' : '>'} vb) { return false; }
        return a < b;
      }`
}

/** WGSL of one compare-exchange stage `(kk, j)` of the bitonic network over rows of `P` source indices `I`. */
function stepWgsl(order: SortOrder, float: boolean): string {
  return `${beforeWgsl(order, float)}
      fn main(index : i32) {
        if (index >= uniforms.size) { return; }
        let p2 = uniforms.p2;
        let row = index / p2;
        let p = index % p2;
        let q = p ^ uniforms.j;
        let a = I[index];
        let b = I[row * p2 + q];
        // Ascending runs put the first of the pair at the lower slot; descending runs at the upper one.
        let wantFirst = (p < q) == ((p & uniforms.kk) == 0);
        setOutputAtIndexI32(index, select(b, a, kxBefore(row, a, b) == wantFirst));
      }`
}

const INIT_WGSL = `
      fn main(index : i32) {
        if (index < uniforms.size) { setOutputAtIndexI32(index, index % uniforms.p2); }
      }`

/** WGSL of the output gather: element `(o, t, i)` of the `[outer, m, inner]` result takes slot `t` of its row. */
function gatherWgsl(values: boolean, float: boolean): string {
  return `
      fn main(index : i32) {
        if (index >= uniforms.size) { return; }
        let inner = uniforms.inner;
        let o = index / (uniforms.m * inner);
        let t = (index / inner) % uniforms.m;
        let i = index % inner;
        let src = I[(o * inner + i) * uniforms.p2 + t];
        ${values ? `setOutputAtIndex${float ? '' : 'I32'}(index, X[(o * uniforms.n + src) * inner + i]);` : 'setOutputAtIndexI32(index, src);'}
      }`
}

/**
 * The `KxSort` kernel function: init, `log2(P)·(log2(P)+1)/2` compare-exchange passes, then two gathers.
 * `x` is float32 or int32 with a non-empty result (the rules handle bool and empty operands).
 */
export function sortKernel(flat: FlatProgramMaker): (args: { inputs: Record<string, TensorInfo>; backend: KernelBackend; attrs: NamedAttrMap }) => TensorInfo[] {
  return ({ inputs, backend, attrs }) => {
    const run = backend as RunsPrograms
    const x = inputs['x']!
    const axis = attrs['axis'] as number
    const order = attrs['order'] as SortOrder
    const n = x.shape[axis]!
    const m = attrs['k'] as number
    const inner = x.shape.slice(axis + 1).reduce((a, b) => a * b, 1)
    const outer = x.shape.slice(0, axis).reduce((a, b) => a * b, 1)
    const p2 = 2 ** Math.ceil(Math.log2(Math.max(n, 1)))
    const float = x.dtype === 'float32'
    const uniforms = (kk: number, j: number): { type: string; data: number[] }[] =>
      [n, inner, p2, kk, j, m].map((v) => ({ type: 'int32', data: [v] }))
    const program = (shape: number[], key: string, code: string, names: string[]): Program =>
      Object.assign(flat(shape, key, code), { variableNames: names, uniforms: UNIFORMS })
    let idx = run.runWebGPUProgram(program([outer * inner, p2], 'kx_sort_init', INIT_WGSL, []), [], 'int32', uniforms(0, 0))
    const step = program([outer * inner, p2], `kx_sort_step_${order}_${x.dtype}`, stepWgsl(order, float), ['X', 'I'])
    for (let kk = 2; kk <= p2; kk *= 2) {
      for (let j = kk / 2; j >= 1; j /= 2) {
        const next = run.runWebGPUProgram(step, [x, idx], 'int32', uniforms(kk, j))
        backend.disposeData(idx.dataId)
        idx = next
      }
    }
    const outShape = x.shape.map((d, i) => (i === axis ? m : d))
    const values = run.runWebGPUProgram(program(outShape, `kx_sort_values_${x.dtype}`, gatherWgsl(true, float), ['X', 'I']), [x, idx], x.dtype, uniforms(0, 0))
    const indices = run.runWebGPUProgram(program(outShape, 'kx_sort_indices', gatherWgsl(false, false), ['I']), [idx], 'int32', uniforms(0, 0))
    backend.disposeData(idx.dataId)
    return [values, indices]
  }
}

/** Runs `KxSort` along `axis` keeping `k` slots: bool as int32, empty results as constants. */
function sortAlong(ctx: TfjsKernelContext, x: TensorInfo, axis: number, order: SortOrder, k: number): TensorInfo[] {
  const dtype = x.dtype as TfDType
  const outShape = x.shape.map((d, i) => (i === axis ? k : d))
  if (outShape.some((d) => d === 0)) return [ctx.constant(0, dtype, outShape), ctx.constant(0, 'int32', outShape)]
  const xs = dtype === 'bool' ? ctx.kernel('Cast', { x }, { dtype: 'int32' }) : x
  const [values, indices] = ctx.kernelMulti(KX_SORT, { x: xs }, { axis, order, k }) as [TensorInfo, TensorInfo]
  return [dtype === 'bool' ? ctx.kernel('NotEqual', { a: values, b: ctx.constant(0, 'int32') }) : values, indices]
}

/** The `sort` rule on webgpu: the bitonic network along `dimension` (stable, NaN last). */
export const sortRule: TfjsRule<'sort'> = (ctx, [x], { dimension, descending }) =>
  sortAlong(ctx, x!, dimension, descending ? 'descending' : 'ascending', x!.shape[dimension]!)

/** The `top_k` rule on webgpu: the bitonic network along the last axis, largest first, `k` kept. */
export const topKRule: TfjsRule<'top_k'> = (ctx, [x], { k }) => sortAlong(ctx, x!, x!.shape.length - 1, 'largest', k)
