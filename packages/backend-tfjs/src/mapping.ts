/**
 * @file The primitive → tfjs-kernel mapping, written once for any tfjs engine (cpu, wasm, webgpu),
 * and the typed table of where it composes kernels or falls back to core's reference on the host.
 */
import type { BackendPrim } from '@kx/core'
import { elementwiseRules } from './rules/elementwise.js'
import { reduceRules } from './rules/reduce.js'
import { movementRules } from './rules/movement.js'
import { linearRules } from './rules/linear.js'
import { windowRules } from './rules/window.js'
import { routineRules } from './rules/routines.js'
import type { TfjsRuleTable } from './rules/types.js'

/**
 * How every kx primitive runs on tfjs kernels, exhaustive by type. Each rule takes a
 * `TfjsKernelContext` (one tfjs backend instance and its kernels), the input `TensorInfo`s, the
 * primitive's params and output specs, and returns one `TensorInfo` per output.
 *
 * @example
 * ```ts
 * // @kx/backend-webgpu reuses the table on tfjs's webgpu engine:
 * const outs = TFJS_PRIM_RULES[prim](ctx, inputs, params, outputs)
 * ```
 */
export const TFJS_PRIM_RULES = {
  ...elementwiseRules, ...reduceRules, ...movementRules, ...linearRules, ...windowRules, ...routineRules,
} satisfies TfjsRuleTable as TfjsRuleTable

/** `host-reference`: download, core's `REFERENCE_IMPLS[prim]`, upload. `composed`: several tfjs kernels. */
export type TfjsFallbackStrategy = 'host-reference' | 'composed'

/** One place where the mapping is not a single tfjs kernel. */
export interface TfjsFallback {
  readonly prim: BackendPrim
  readonly strategy: TfjsFallbackStrategy
  /** When it applies: `always`, or the dtypes / params / engines concerned. */
  readonly when: string
  /** Why, or what it is composed of. */
  readonly detail: string
}

const host = (prim: BackendPrim, when: string, detail: string): TfjsFallback => ({ prim, strategy: 'host-reference', when, detail })
const composed = (prim: BackendPrim, when: string, detail: string): TfjsFallback => ({ prim, strategy: 'composed', when, detail })

/**
 * Every fallback of `TFJS_PRIM_RULES`: host-reference runs need `readSync` (cpu, wasm); a device-only
 * engine (webgpu) must override those entries.
 *
 * @example
 * ```ts
 * const onHost = TFJS_FALLBACKS.filter((f) => f.strategy === 'host-reference').map((f) => f.prim)
 * ```
 */
// NOTE: built by a pure call, so bundlers drop this documentation table from apps that never read it.
export const TFJS_FALLBACKS: readonly TfjsFallback[] = /* @__PURE__ */ (() => [
  host('erf_inv', 'always', 'no tfjs kernel'),
  host('lgamma', 'always', 'no tfjs kernel'),
  host('digamma', 'always', 'no tfjs kernel'),
  host('igamma', 'always', 'no tfjs kernel'),
  host('bitcast_convert_type', 'always', 'no tfjs kernel'),
  host('reduce_and', 'int32 operands', 'no bitwise reduction kernel (bool uses All)'),
  host('reduce_or', 'int32 operands', 'no bitwise reduction kernel (bool uses Any)'),
  host('cumsum', 'bool or empty operands', 'Cumsum takes numbers only'),
  host('cumprod', 'bool or empty operands', 'Cumprod takes numbers only'),
  host('cummax', 'bool operands', 'the scan below is numeric'),
  host('cummin', 'bool operands', 'the scan below is numeric'),
  host('scatter_add', 'bool operands', 'ScatterNd sums numbers only'),
  host('scatter', 'bool operands', 'kept with scatter_add'),
  host('sort', 'always', 'TopK has no NaN order, compares equal infinities inconsistently (cpu) and is not documented stable'),
  host('top_k', 'always', 'as sort'),
  host('dot_general', 'int32 operands', 'BatchMatMul is float32-only on wasm; float32 would round large sums'),
  host('conv_general_dilated', 'int32 operands or > 3 spatial dims', 'tfjs convolutions are float32, 1-3-d'),
  host('conv_transpose_lhs', 'int32 operands or > 3 spatial dims', 'as conv_general_dilated'),
  host('conv_transpose_rhs', 'int32 operands or > 3 spatial dims', 'as conv_general_dilated'),
  host('reduce_window', 'bool max/min', 'no bool pooling'),
  host('select_and_scatter_add', 'bool operands', 'no bool pooling'),
  host('cholesky', 'always', 'no tfjs kernel'),
  host('triangular_solve', 'always', 'no tfjs kernel'),
  host('lu', 'always', 'no tfjs kernel'),
  host('qr', 'always', 'tfjs qr is an op built on many kernels, not a kernel'),
  host('eigh', 'always', 'no tfjs kernel'),
  host('svd', 'always', 'no tfjs kernel'),
  host('fft', 'always', 'tfjs FFT works on complex64, which kx does not declare'),
  host('random_bits', 'always', "core's threefry on the host: identical bits on every backend (uint32 output is refused by the dtype check)"),
  host('random_uniform', 'always', "core's threefry on the host: identical bits on every backend"),
  host('threefry2x32', 'always', "core's threefry on the host: identical key splits on every backend"),
  composed('cbrt', 'always', 'Sign(x) · Pow(|x|, 1/3)'),
  composed('not', 'int32 operands', '−x − 1 (bool uses LogicalNot)'),
  composed('div', 'int32 operands', 'FloorDiv on |x|, |y| with the signs restored; x / 0 = −1 as XLA'),
  composed('rem', 'always', 'float: Sign(x) · Mod(|x|, |y|) (C fmod); int32: x − trunc(x / y) · y, so x % 0 = x'),
  composed('or', 'int32 operands', 'a + b − (a & b) with BitwiseAnd'),
  composed('xor', 'int32 operands', 'a + b − 2(a & b) with BitwiseAnd; bool uses NotEqual'),
  composed('convert_element_type', 'to bool', 'NotEqual(x, 0) (wasm Cast would wrap modulo 256)'),
  composed('cummax', 'numeric operands', 'Hillis–Steele scan: log2(n) rounds of PadV2/Slice shift + Maximum'),
  composed('cummin', 'numeric operands', 'Hillis–Steele scan with Minimum'),
  composed('sign', 'float32', 'Select(x ≠ x, x, Sign(x)): tfjs Sign(NaN) is 0'),
  composed('argmax', 'float32', 'ArgMax + the first NaN of rows holding one (Any / ArgMax / Select): tfjs skips NaN'),
  composed('argmin', 'float32', 'as argmax'),
  composed('max', 'float32 on wasm', 'Select(y ≠ y, y, Maximum(x, y)): wasm Maximum drops a NaN second operand; min likewise'),
  composed('scatter', 'cpu', 'TensorScatterUpdate on a copy: tfjs-cpu writes into its input buffer'),
  composed('dynamic_update_slice', 'cpu', 'as scatter'),
  composed('dot_general', 'wasm, rhs buffer reused with another shape', 'BatchMatMul on a copy of rhs: tfjs-wasm caches packed weights per buffer, ignoring shape'),
  composed('broadcast_in_dim', 'always', 'JS block copies into engine memory on cpu/wasm (tfjs Tile runs ~100 ns/element); Reshape + Tile elsewhere'),
  composed('reduce_sum', 'float32 on wasm', 'one JS pass over the wasm heap, float32 accumulation in the order of tfjs-wasm\'s Sum (bit-identical; its Sum transposes reduced axes last first)'),
  ...(['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'select_n'] as const).map((p) => composed(p, 'wasm, same-shape operands', 'a JS loop over the wasm heap (tfjs-wasm\'s Greater/Equal/Select are generic broadcasting loops, ~10× slower; its Select also mis-picks some bool values)')),
  composed('max', 'float32 with a uniform-zero operand', 'Relu (max(x, 0) from a broadcast scalar; wasm\'s Maximum is a slow generic loop); min likewise as −Relu(−x)'),
  composed('pad', 'interior or negative padding; int32 values beyond 2^24', 'interior: Reshape/PadV2/Slice per dim; negative: Slice; big int32 pad values through a mask + Select (PadV2 passes its constant as float32)'),
  composed('slice', 'int32 / bool with strides', 'Slice + Reshape + Slice per strided dim (tfjs-wasm\'s StridedSlice writes float32 storage for int32)'),
  composed('dynamic_slice', 'always', 'Slice at host-read clamped starts (sync engines); flat GatherV2 on device-only engines'),
  composed('dynamic_update_slice', 'always', 'TensorScatterUpdate at flat offsets computed on the device'),
  composed('gather', 'always', 'Minimum/Maximum index clamp + GatherV2'),
  composed('scatter_add', 'numeric operands', 'axis moved first, ScatterNd (sums duplicates) + Add'),
  composed('scatter', 'numeric operands', 'axis moved first, TensorScatterUpdate'),
  composed('iota', 'always', 'Range + broadcast_in_dim'),
  composed('dot_general', 'float32', 'Transpose/Reshape to [B, M, K] @ [B, K, N] + BatchMatMul (explicit Transpose kernels on wasm)'),
  composed('conv_general_dilated', 'float32, 0-3 spatial dims', 'Conv2D / DepthwiseConv2dNative / Conv3D; lhs dilation as interior padding, negative padding as crops, one conv per group'),
  composed('conv_transpose_lhs', 'float32', 'a convolution with the flipped, I/O-swapped kernel (JAX transpose rule)'),
  composed('conv_transpose_rhs', 'float32', 'a convolution of lhsᵀ with ctᵀ (JAX transpose rule); im2col + BatchMatMul for plain 2-d convs with < 8 input channels on wasm (tfjs-wasm has no Conv2DBackpropFilter; tfjs-cpu\'s is ~10× slower than either)'),
  composed('reduce_window', 'always', 'MaxPool / AvgPool × size for NHWC 2-d windows; strided-slice composition otherwise'),
  composed('select_and_scatter_add', 'numeric operands', 'MaxPoolGrad for NHWC 2-d windows on cpu; for non-overlapping windows, rows of windows + ArgMax (first maximum) + int32 OneHot × source (wasm\'s MaxPoolGrad picks the last maximum and drops windows; its OneHot writes int32 whatever the dtype); first-maximum slice composition otherwise'),
])()
