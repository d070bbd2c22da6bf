/** @file Dtype policies (Keras `keras.dtype_policies`): compute dtype vs variable dtype for mixed precision. */
import { InvalidArgumentError, checkDType, floatx, fmt, type DType } from '@kx/core'

/**
 * A dtype policy: variables are created in `variableDtype`, computations run in `computeDtype`.
 *
 * @example
 * ```ts
 * const p = new DTypePolicy('mixed_float16') // compute float16, variables float32
 * ```
 */
export class DTypePolicy {
  readonly name: string
  readonly computeDtype: DType
  readonly variableDtype: DType
  constructor(name?: string) {
    const n = name ?? floatx()
    this.name = n
    if (n === 'mixed_float16' || n === 'mixed_bfloat16') {
      this.computeDtype = n === 'mixed_float16' ? 'float16' : 'bfloat16'
      this.variableDtype = 'float32'
    } else {
      const d = checkDType(n, 'DTypePolicy')
      this.computeDtype = d
      this.variableDtype = d
    }
  }
  getConfig(): { name: string } { return { name: this.name } }
  toString(): string { return `<DTypePolicy "${this.name}">` }
}

let globalPolicy: DTypePolicy | undefined

/** The global policy (Keras `keras.config.dtype_policy()`); defaults to floatx. */
export function dtypePolicy(): DTypePolicy { return globalPolicy ?? new DTypePolicy(floatx()) }
/** Sets the global policy (Keras `keras.config.set_dtype_policy`). */
export function setDtypePolicy(policy: string | DTypePolicy): void { globalPolicy = getDtypePolicy(policy) }

/** Resolves a policy from a name, a policy, a Keras config envelope, or undefined (global). */
export function getDtypePolicy(value: unknown): DTypePolicy {
  if (value === undefined || value === null) return dtypePolicy()
  if (value instanceof DTypePolicy) return value
  if (typeof value === 'string') return new DTypePolicy(value)
  if (typeof value === 'object') {
    const v = value as { class_name?: unknown; config?: { name?: unknown } }
    if (typeof v.config?.name === 'string') return new DTypePolicy(v.config.name)
  }
  throw new InvalidArgumentError(`Invalid dtype policy. Expected a dtype name, "mixed_float16", "mixed_bfloat16" or a DTypePolicy. Received: dtype=${fmt(value)}`)
}

/** Keras's serialized form of a policy inside layer configs. */
export function serializeDtypePolicy(p: DTypePolicy): unknown {
  return { module: 'keras', class_name: 'DTypePolicy', config: { name: p.name }, registered_name: null }
}
