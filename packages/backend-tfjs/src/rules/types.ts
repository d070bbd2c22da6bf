/** @file Rule types of the primitive → tfjs mapping, and the host fallback (download → reference → upload). */
import type { TensorInfo } from '@tensorflow/tfjs-core'
import { UnsupportedOpError, type BackendPrim, type BackendPrimParams, type OutputSpec, type RefImpl, type RefTensor } from '@kx/core'
import { tfDtype, type TfjsKernelContext } from '../context.js'

/** Lowers one primitive call onto tfjs kernels; returns one tensor per output spec. */
export type TfjsRule<P extends BackendPrim> = (
  ctx: TfjsKernelContext, inputs: readonly TensorInfo[], params: BackendPrimParams[P], outputs: readonly OutputSpec[],
) => TensorInfo[]

/** The mapping of every primitive, exhaustive by type. */
export type TfjsRuleTable = { readonly [P in BackendPrim]: TfjsRule<P> }

/**
 * Runs a primitive through core's reference implementation on host copies of the inputs. Exact (it
 * is the oracle), cheap on cpu/wasm where "download" is a memcpy, and needs `traits.syncRead` and
 * `traits.hostImpls`.
 */
export function hostRule<P extends BackendPrim>(prim: P): TfjsRule<P> {
  return (ctx, inputs, params, outputs) => {
    const refs: RefTensor[] = inputs.map((t) => ({ values: ctx.readSync(t), shape: t.shape, dtype: t.dtype as RefTensor['dtype'] }))
    const table = ctx.traits.hostImpls
    if (!table) {
      throw new UnsupportedOpError(`tfjs backend "${ctx.backendName}" has no host implementations (\`traits.hostImpls\`), which primitive \`${prim}\` needs on it. Pass core's \`REFERENCE_IMPLS\` as \`traits.hostImpls\`. Received: prim=${prim}`)
    }
    const impl = table[prim] as RefImpl<P>
    const res = impl(refs, params, outputs)
    return res.map((v, i) => ctx.upload(v, outputs[i]!.shape, tfDtype(outputs[i]!.dtype)))
  }
}
