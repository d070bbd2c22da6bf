/**
 * @file `SpectralNormalization` (Keras `keras.layers.SpectralNormalization`): a wrapper that, on
 * training calls, divides the wrapped layer's `kernel` (or `embeddings`) by its largest singular
 * value, estimated by power iteration with a persistent vector `vector_u`.
 */
import { InvalidArgumentError, fmt, type Dim, type Tensor, type Variable } from '@kx/core'
import { normalize } from '@kx/ops-nn'
import { all, cast, divide, equal, matmul, reshape, stopGradient, transpose, where } from '@kx/ops-numpy'
import { type CallOptions, type LayerArgs, type ShapeLike, Layer } from '../../engine/Layer.js'
import { InputSpec } from '../../engine/InputSpec.js'
import { Wrapper } from '../core/simple-layers.js'
import { TruncatedNormal } from '../../initializers/index.js'

/** Options of `SpectralNormalization`. */
export interface SpectralNormalizationArgs extends LayerArgs {
  /** The layer whose `kernel` (or `embeddings`) is normalized. */
  readonly layer: Layer
  /** Power iterations per training call (default 1). */
  readonly powerIterations?: number
}

/**
 * Spectral normalization of a wrapped layer's weights: `W ← W / σ(W)`, with σ estimated by
 * `powerIterations` steps of power iteration, applied (and `vector_u` updated) on training calls.
 *
 * When to use: stabilizing GAN discriminators (Lipschitz-constrained layers).
 *
 * @example
 * ```ts
 * const sn = new SpectralNormalization({ layer: new Dense({ units: 8 }) })
 * sn.apply(x, { training: true })
 * ```
 */
export class SpectralNormalization extends Wrapper {
  static override readonly className: string = 'SpectralNormalization'
  readonly powerIterations: number
  kernel!: Variable
  vectorU!: Variable

  constructor(args: SpectralNormalizationArgs) {
    super(args)
    const p = args.powerIterations ?? 1
    if (!Number.isInteger(p) || p <= 0) {
      throw new InvalidArgumentError(`\`power_iterations\` should be greater than zero. Received: \`power_iterations=${fmt(args.powerIterations)}\``)
    }
    this.powerIterations = p
  }

  override build(inputShape: ShapeLike): void {
    super.build(inputShape)
    const s = inputShape as readonly Dim[]
    this.inputSpec = new InputSpec({ minNdim: 1, axes: { [-1]: s.at(-1) ?? null } })
    const own = this.layer.weights
    const kernel = own.find((w) => w.name === 'kernel') ?? own.find((w) => w.name === 'embeddings')
    if (!kernel) throw new InvalidArgumentError(`${this.layer.className} object has no attribute 'kernel' nor 'embeddings'`)
    this.kernel = kernel
    this.vectorU = this.addWeight({
      name: 'vector_u', shape: [1, kernel.shape.at(-1)!], initializer: new TruncatedNormal({ stddev: 0.02 }), trainable: false, dtype: kernel.dtype,
    })
    this.built = true
  }

  override call(inputs: unknown, options: CallOptions = {}): unknown {
    const x = inputs as Tensor
    if (options.training && !x.isSymbolic) {
      // NOTE: an all-zero kernel keeps its value and vector_u (σ would be 0), as Keras's `cond` does.
      const [u, k] = this.normalizedWeights()
      const zero = all(equal(this.kernel.rawValue, 0))
      this.vectorU.assign(where(zero, this.vectorU.rawValue, u) as Tensor)
      this.kernel.assign(where(zero, this.kernel.rawValue, k) as Tensor)
    }
    const y = this.layer.apply(x, { ...options, training: options.training ?? false }) as Tensor
    return cast(y, x.dtype)
  }

  /** One round of power iteration: the new `vector_u` and the kernel divided by the estimated σ. */
  normalizedWeights(): [Tensor, Tensor] {
    const shape = this.kernel.shape
    const w = stopGradient(reshape(this.kernel.rawValue, [-1, shape.at(-1)!]))
    let u = this.vectorU.rawValue
    let v = u
    for (let i = 0; i < this.powerIterations; i++) {
      v = normalize(matmul(u, transpose(w)), { axis: null })
      u = normalize(matmul(v, w), { axis: null })
    }
    const sigma = matmul(matmul(v, w), transpose(u))
    return [cast(u, this.vectorU.dtype), cast(reshape(divide(w, sigma), shape), this.kernel.dtype)]
  }

  /** Keras tracks the wrapped kernel as this layer's own variable: weights are kernel, vector_u, then the wrapped layer's others. */
  override get weights(): Variable[] {
    const all = super.weights
    if (!this.kernel || !this.vectorU) return all
    return [this.kernel, this.vectorU, ...all.filter((w) => w !== this.kernel && w !== this.vectorU)]
  }

  /** The variables Keras stores for this layer itself (`kernel`, `vector_u`), in its order. @internal */
  savedVariables(): readonly Variable[] { return this.kernel && this.vectorU ? [this.kernel, this.vectorU] : [] }

  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), power_iterations: this.powerIterations } }
}
