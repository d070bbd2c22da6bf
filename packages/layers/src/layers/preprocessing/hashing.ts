/**
 * @file Hashing and HashedCrossing: stable, platform-independent hashing of strings and integers
 * into bins, with the numbers of Keras 3 (which runs TensorFlow's `to_hash_bucket_fast` /
 * `_strong` and `sparse.cross_hashed`). Computed on the host; string inputs are nested JS arrays.
 */
import { InvalidArgumentError, Tensor, floatx, fmt, isFloat, isInt, type DType, type Dim } from '@kx/core'
import { Layer, type CallOptions, type LayerArgs, type ShapeLike } from '../../engine/Layer.js'
import { buildOnHostCall, checkNotSparse, encodeCategorical, intTensor, isHostData, oneOf, symbolic, toHostArray, type HostArray } from './common.js'
import { fingerprint64, fingerprintCat64, hashBucketFast, hashBucketStrong, utf8 } from './hash64.js'

/** Keras hands TensorFlow's int64 results back as JAX arrays with x64 off: int64 becomes int32. */
export const outDtype = (d: DType): DType => (d === 'int64' ? 'int32' : d)

/** TensorFlow's `tf.as_string` of an integer; floats are first truncated to int64 as Keras does. */
export function valueToString(v: string | number, fromFloat: boolean): string {
  if (typeof v === 'string') return v
  const n = fromFloat ? Math.trunc(v) : v
  return Number.isInteger(n) ? BigInt(n).toString() : String(n)
}

/** Options of `Hashing`. */
export interface HashingArgs extends LayerArgs {
  /** Number of bins, including the mask bin when `maskValue` is set. */
  readonly numBins: number
  /** Inputs equal to it map to bin 0 (the other values hash into `[1, numBins)`). */
  readonly maskValue?: string | number | null
  /** A SipHash key: one integer (used twice) or two; FarmHash64 when null. */
  readonly salt?: number | readonly [number, number] | null
  readonly outputMode?: 'int' | 'one_hot' | 'multi_hot' | 'count'
  readonly sparse?: boolean
}

/**
 * Hashes strings or integers into `numBins` bins (Keras `Hashing`): FarmHash64 fingerprints
 * (`tf.strings.to_hash_bucket_fast`), or keyed SipHash-2-4 when `salt` is set. kx tensors have no
 * string dtype: pass strings as (nested) JS arrays; the output is an int tensor.
 *
 * @example
 * ```ts
 * new Hashing({ numBins: 3 }).apply([['A'], ['B'], ['C']]) // [[1], [0], [1]] as in Keras
 * ```
 */
export class Hashing extends Layer {
  static readonly className: string = 'Hashing'
  override get takesStrings(): boolean { return true }
  readonly numBins: number
  readonly maskValue: string | number | null
  readonly salt: [number, number] | null
  readonly outputMode: 'int' | 'one_hot' | 'multi_hot' | 'count'
  readonly sparse: boolean
  constructor(args: HashingArgs) {
    const mode = args?.outputMode ?? 'int'
    super({ ...args, dtype: args?.dtype ?? (mode === 'int' ? 'int64' : floatx()) })
    if (!(args?.numBins > 0)) throw new InvalidArgumentError(`The \`num_bins\` for \`Hashing\` cannot be \`None\` or non-positive values. Received: num_bins=${fmt(args?.numBins)}.`)
    this.outputMode = oneOf(mode, ['int', 'one_hot', 'multi_hot', 'count'] as const, 'output_mode', 'Hashing')
    if (this.outputMode === 'int' && this.dtypePolicy.name !== 'int32' && this.dtypePolicy.name !== 'int64') {
      throw new InvalidArgumentError(`When \`output_mode="int"\`, \`dtype\` should be an integer type, 'int32' or 'in64'. Received: dtype=${fmt(args.dtype)}`)
    }
    if (args.sparse && this.outputMode === 'int') {
      throw new InvalidArgumentError(`\`sparse\` may only be true if \`output_mode\` is \`"one_hot"\`, \`"multi_hot"\`, or \`"count"\`. Received: sparse=${args.sparse} and output_mode=${this.outputMode}`)
    }
    checkNotSparse(args.sparse, 'Hashing')
    this.numBins = args.numBins
    this.maskValue = args.maskValue ?? null
    const salt = args.salt ?? null
    if (salt === null) this.salt = null
    else if (typeof salt === 'number' && Number.isInteger(salt)) this.salt = [salt, salt]
    else if (Array.isArray(salt) && salt.length === 2) this.salt = [salt[0]!, salt[1]!]
    else throw new InvalidArgumentError(`The \`salt\` argument for \`Hashing\` can only be a tuple of size 2 integers, or a single integer. Received: salt=${fmt(salt)}.`)
    this.sparse = false
  }

  override apply(inputs: unknown, options: CallOptions = {}): any {
    if (!isHostData(inputs)) return super.apply(inputs, options)
    buildOnHostCall(this, inputs)
    return this.call(inputs)
  }

  /** Bin indices of host values (Keras `_hash_values_to_bins`). */
  hashValues(values: readonly (string | number)[], fromFloat: boolean): number[] {
    const masked = this.maskValue !== null && this.numBins > 1
    const bins = masked ? this.numBins - 1 : this.numBins
    return values.map((v) => {
      if (masked && v === this.maskValue) return 0
      const s = valueToString(v, fromFloat)
      const h = this.salt ? hashBucketStrong(s, bins, this.salt) : hashBucketFast(s, bins)
      return masked ? h + 1 : h
    })
  }

  override call(inputs: unknown): Tensor {
    if (inputs instanceof Tensor && inputs.isSymbolic) return symbolic(this.computeOutputShape(inputs.shape as Dim[]), outDtype(this.dtype))
    const host = toHostArray(inputs, this.name)
    const fromFloat = inputs instanceof Tensor ? isFloat(inputs.dtype) : false
    let shape = host.shape
    if (this.outputMode === 'one_hot' && shape[shape.length - 1] === 1) shape = shape.slice(0, -1)
    const bins = this.hashValues(host.values, fromFloat)
    const idx = intTensor(bins, shape, 'int32', inputs)
    return encodeCategorical(idx, this.outputMode, this.numBins, outDtype(this.dtype))
  }

  override computeOutputShape(inputShape: ShapeLike): Dim[] {
    const s = inputShape as Dim[]
    if (this.outputMode === 'int') return s.slice()
    return s.length === 0 ? [this.numBins] : [...s.slice(0, -1), this.numBins]
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), num_bins: this.numBins, salt: this.salt, mask_value: this.maskValue, output_mode: this.outputMode, sparse: this.sparse }
  }
}

/** Options of `HashedCrossing`. */
export interface HashedCrossingArgs extends LayerArgs {
  readonly numBins: number
  readonly outputMode?: 'int' | 'one_hot'
  readonly sparse?: boolean
}

// NOTE: tf.sparse.cross_hashed's default hash key.
const CROSS_KEY = 0xdecafcaffen

/**
 * Crosses two or more categorical features by hashing their combination into `numBins` bins
 * (Keras `HashedCrossing`, TensorFlow's `sparse.cross_hashed`: strings are FarmHash64-fingerprinted,
 * integers enter as their 64-bit value). Inputs of shape `[]`, `[batch]` or `[batch, 1]`.
 *
 * @example
 * ```ts
 * new HashedCrossing({ numBins: 5 }).apply([['A', 'B'], [1, 2]])
 * ```
 */
export class HashedCrossing extends Layer {
  static readonly className: string = 'HashedCrossing'
  override get takesStrings(): boolean { return true }
  readonly numBins: number
  readonly outputMode: 'int' | 'one_hot'
  readonly sparse: boolean
  constructor(args: HashedCrossingArgs) {
    const mode = args?.outputMode ?? 'int'
    super({ ...args, dtype: args?.dtype ?? (mode === 'int' ? 'int64' : undefined) })
    checkNotSparse(args?.sparse, 'HashedCrossing')
    this.outputMode = oneOf(mode, ['int', 'one_hot'] as const, 'output_mode', 'HashedCrossing')
    this.numBins = args.numBins
    this.sparse = false
  }

  override apply(inputs: unknown, options: CallOptions = {}): any {
    if (!Array.isArray(inputs)) throw new InvalidArgumentError(`\`HashedCrossing\` should be called on a list or tuple of inputs. Received: inputs=${fmt(inputs)}`)
    if (!inputs.some((x) => isHostData(x) || !(x instanceof Tensor))) return super.apply(inputs, options)
    buildOnHostCall(this, inputs, true)
    return this.call(inputs)
  }

  override call(inputs: unknown): Tensor {
    const list = inputs as unknown[]
    if (!Array.isArray(list) || list.length < 2) throw new InvalidArgumentError(`\`HashedCrossing\` should be called on at least two inputs. Received: inputs=${fmt(inputs)}`)
    if (list.some((x) => x instanceof Tensor && x.isSymbolic)) {
      return symbolic(this.computeOutputShape(list.map((x) => (x as Tensor).shape as Dim[])), outDtype(this.outputMode === 'int' ? this.dtype : this.computeDtype))
    }
    const hosts: HostArray[] = list.map((x) => {
      if (x instanceof Tensor && !isInt(x.dtype)) throw new InvalidArgumentError(`All \`HashedCrossing\` inputs should have an integer or string dtype. Received: dtype=${x.dtype}`)
      return toHostArray(x, this.name)
    })
    const first = hosts[0]!.shape
    if (first.length > 2 || (first.length === 2 && first[1] !== 1)) {
      throw new InvalidArgumentError(`All \`HashedCrossing\` inputs should have shape \`()\`, \`(batch_size)\` or \`(batch_size, 1)\`. Received: shape=${fmt(first)}`)
    }
    if (!hosts.every((h) => fmt(h.shape) === fmt(first))) throw new InvalidArgumentError(`All \`HashedCrossing\` inputs should have equal shape. Received: shapes=${fmt(hosts.map((h) => h.shape))}`)
    const n = hosts[0]!.values.length
    const out: number[] = []
    for (let i = 0; i < n; i++) {
      let h = CROSS_KEY
      for (const host of hosts) {
        const v = host.values[i]!
        const f = typeof v === 'string' ? fingerprint64(utf8(v)) : BigInt.asUintN(64, BigInt(Math.trunc(v)))
        h = fingerprintCat64(h, f)
      }
      out.push(Number(h % BigInt(this.numBins)))
    }
    const idx = intTensor(out, first, 'int32', list.find((x) => x instanceof Tensor))
    return encodeCategorical(idx, this.outputMode, this.numBins, outDtype(this.outputMode === 'int' ? this.dtype : this.computeDtype))
  }

  override computeOutputShape(inputShape: ShapeLike): Dim[] {
    const s = (inputShape as Dim[][])[0]!
    if (this.outputMode === 'int') return s.slice()
    if (s.length === 0) return [this.numBins]
    if (s[s.length - 1] !== 1) return [...s, this.numBins]
    return [...s.slice(0, -1), this.numBins]
  }

  override getConfig(): Record<string, unknown> {
    return { num_bins: this.numBins, output_mode: this.outputMode, sparse: this.sparse, name: this.name, dtype: this.dtype }
  }
}
