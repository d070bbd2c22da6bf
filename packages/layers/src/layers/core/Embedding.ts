/** @file `Embedding` (index → dense vector lookup) and `ReversibleEmbedding` (also projects back to logits). */
import { InvalidArgumentError, fmt, lax, type Dim, type Tensor, type Variable } from '@kx/core'
import { Layer, type CallOptions, type ShapeLike } from '../../engine/Layer.js'
import { setKerasMask } from '../../engine/context.js'
import { getRequired } from '../../initializers/registry.js'
import {
  constraintArg, initializerArg, regularizerArg, serializeConstraint, serializeInitializer, serializeRegularizer,
  type ConstraintIdentifier, type InitializerIdentifier, type InitializerLike, type RegularizerIdentifier, type ZooLayerArgs,
} from '../common.js'
import type { Constraint } from '../../constraints/constraints.js'
import type { Regularizer } from '../../regularizers/regularizers.js'
import { add, cast, divide, matmul, multiply, notEqual, tensordot, transpose } from '@kx/ops-numpy'

/** Options of `Embedding`. */
export interface EmbeddingArgs extends ZooLayerArgs {
  /** Vocabulary size (largest index + 1). */
  readonly inputDim: number
  /** Size of each embedding vector. */
  readonly outputDim: number
  readonly embeddingsInitializer?: InitializerIdentifier
  readonly embeddingsRegularizer?: RegularizerIdentifier
  readonly embeddingsConstraint?: ConstraintIdentifier
  /** Index 0 is padding: outputs carry a mask `inputs != 0`. */
  readonly maskZero?: boolean
  /** Initial embeddings (`[inputDim, outputDim]`), set right away. */
  readonly weights?: unknown
  readonly loraRank?: number | null
  readonly loraAlpha?: number | null
  readonly quantizationConfig?: null
  /** Keras 2's `input_length`: accepted and ignored (deprecated in Keras 3). */
  readonly inputLength?: number | null
}

/**
 * Turns integer indices into dense vectors (Keras `Embedding`): `outputs = embeddings[inputs]`.
 *
 * When to use: the first layer of text and categorical models; `maskZero` makes index 0 padding.
 *
 * @example
 * ```ts
 * const emb = new Embedding({ inputDim: 1000, outputDim: 64, maskZero: true })
 * const y = emb.apply(ops.convertToTensor([[3, 7, 0]], 'int32')) // [1, 3, 64], mask [[true, true, false]]
 * ```
 */
export class Embedding extends Layer {
  static readonly className: string = 'Embedding'
  readonly inputDim: number
  readonly outputDim: number
  readonly embeddingsInitializer: InitializerLike
  readonly embeddingsRegularizer: Regularizer | null
  readonly embeddingsConstraint: Constraint | null
  readonly maskZero: boolean
  loraRank: number | null
  loraAlpha: number | null
  loraEnabled = false
  embeddingsVar!: Variable
  loraEmbeddingsA: Variable | null = null
  loraEmbeddingsB: Variable | null = null

  constructor(args: EmbeddingArgs) {
    // NOTE: `inputDim` is the vocabulary size here, not the base Layer's Keras 2 input shortcut.
    const { inputDim: _vocab, inputLength: _legacy, ...base } = args ?? ({} as EmbeddingArgs)
    super({ ...base, autocast: false })
    for (const k of ['inputDim', 'outputDim'] as const) {
      const v = args?.[k]
      if (!Number.isInteger(v) || (v as number) <= 0) {
        const key = k === 'inputDim' ? 'input_dim' : 'output_dim'
        throw new InvalidArgumentError(`\`${key}\` must be a positive integer. Received: ${key}=${fmt(v)} (of type ${typeof v}).`)
      }
    }
    if (args.quantizationConfig !== undefined && args.quantizationConfig !== null) {
      throw new InvalidArgumentError(`Embedding does not take a quantization_config; quantize with @kx/quantize. Received: quantization_config=${fmt(args.quantizationConfig)}`)
    }
    this.inputDim = args.inputDim
    this.outputDim = args.outputDim
    this.embeddingsInitializer = initializerArg(args.embeddingsInitializer, 'uniform', 'embeddings_initializer')
    this.embeddingsRegularizer = regularizerArg(args.embeddingsRegularizer)
    this.embeddingsConstraint = constraintArg(args.embeddingsConstraint)
    this.maskZero = args.maskZero ?? false
    this.supportsMasking = this.maskZero
    this.loraRank = args.loraRank ?? null
    this.loraAlpha = args.loraAlpha ?? this.loraRank
    if (args.weights !== undefined && args.weights !== null) {
      this.build([null])
      const w = Array.isArray(args.weights) && args.weights.length === 1 && Array.isArray(args.weights[0]) && Array.isArray(args.weights[0][0]) ? args.weights : [args.weights]
      this.setWeights(w as never)
    }
  }

  override build(inputShape?: ShapeLike): void {
    void inputShape
    if (this.embeddingsVar) return
    this.embeddingsVar = this.addWeight({
      name: 'embeddings', shape: [this.inputDim, this.outputDim], initializer: this.embeddingsInitializer,
      regularizer: this.embeddingsRegularizer, constraint: this.embeddingsConstraint, trainable: !this.loraRank,
    })
    this.built = true
    if (this.loraRank) this.createLora(this.loraRank, this.loraAlpha)
  }

  /** Freezes the table and adds LoRA factors (Keras `enable_lora`). */
  enableLora(rank: number, loraAlpha: number | null = null): void {
    if (!this.built) throw new InvalidArgumentError("Cannot enable lora on a layer that isn't yet built.")
    if (this.loraEnabled) throw new InvalidArgumentError('lora is already enabled. This can only be done once per layer.')
    this.embeddingsVar.trainable = false
    this.createLora(rank, loraAlpha)
  }

  private createLora(rank: number, loraAlpha: number | null): void {
    if (this.embeddingsConstraint) throw new InvalidArgumentError('Lora is incompatible with embedding constraints. In order to enable lora on this layer, remove the `embeddings_constraint` argument.')
    this.loraEmbeddingsA = this.addWeight({ name: 'lora_embeddings_a', shape: [this.inputDim, rank], initializer: getRequired('he_uniform', 'a_initializer'), dtype: 'float32', regularizer: this.embeddingsRegularizer })
    this.loraEmbeddingsB = this.addWeight({ name: 'lora_embeddings_b', shape: [rank, this.outputDim], initializer: getRequired('zeros', 'b_initializer'), dtype: 'float32', regularizer: this.embeddingsRegularizer })
    this.loraEnabled = true
    this.loraRank = rank
    this.loraAlpha = loraAlpha ?? rank
  }

  /** The embedding table (with the LoRA delta merged in when enabled). */
  get embeddings(): Tensor {
    if (!this.built) throw new InvalidArgumentError('You must build the layer before accessing `embeddings`.')
    const e = this.embeddingsVar.value
    if (!this.loraEnabled) return e
    const delta = multiply(matmul(this.loraEmbeddingsA!.value, this.loraEmbeddingsB!.value), (this.loraAlpha as number) / (this.loraRank as number))
    return cast(add(e, delta), this.computeDtype)
  }

  override call(inputs: unknown, options: CallOptions = {}): Tensor {
    void options
    let idx = inputs as Tensor
    if (idx.dtype !== 'int32' && idx.dtype !== 'int64') idx = cast(idx, 'int32')
    return cast(lax.gather(this.embeddings, idx, 0), this.computeDtype)
  }

  override computeMask(inputs: unknown, mask: unknown): Tensor | null {
    void mask
    if (!this.maskZero) return null
    const x = inputs as Tensor
    return notEqual(x, 0)
  }

  override computeOutputShape(inputShape: ShapeLike): Dim[] { return [...(inputShape as readonly Dim[]), this.outputDim] }

  override getConfig(): Record<string, unknown> {
    const config: Record<string, unknown> = {
      ...super.getConfig(),
      input_dim: this.inputDim,
      output_dim: this.outputDim,
      embeddings_initializer: serializeInitializer(this.embeddingsInitializer),
      embeddings_regularizer: serializeRegularizer(this.embeddingsRegularizer),
      activity_regularizer: serializeRegularizer(this.activityRegularizer),
      embeddings_constraint: serializeConstraint(this.embeddingsConstraint),
      mask_zero: this.maskZero,
      quantization_config: null,
    }
    if (this.loraRank) {
      config['lora_rank'] = this.loraRank
      config['lora_alpha'] = this.loraAlpha
    }
    return config
  }
}

/** Options of `ReversibleEmbedding`. */
export interface ReversibleEmbeddingArgs extends EmbeddingArgs {
  /** Reuse the embedding table (transposed) for the reverse projection (default true). */
  readonly tieWeights?: boolean
  /** Dtype of the reverse projection's matmul. */
  readonly reverseDtype?: import('@kx/core').DType | null
  /** Soft cap: `tanh(logits / cap) · cap`. */
  readonly logitSoftCap?: number | null
}

/**
 * An embedding that can also map hidden states back to vocabulary logits (Keras
 * `ReversibleEmbedding`): `apply(ids)` embeds, `apply(h, { reverse: true })` returns `h · Eᵀ`.
 *
 * @example
 * ```ts
 * const emb = new ReversibleEmbedding({ inputDim: 100, outputDim: 16 })
 * const h = emb.apply(ids)
 * const logits = emb.apply(h, { reverse: true }) // [..., 100]
 * ```
 */
export class ReversibleEmbedding extends Embedding {
  static override readonly className: string = 'ReversibleEmbedding'
  readonly tieWeights: boolean
  readonly reverseDtype: import('@kx/core').DType | null
  readonly logitSoftCap: number | null
  reverseEmbeddings: Variable | null = null

  constructor(args: ReversibleEmbeddingArgs) {
    super(args)
    this.tieWeights = args.tieWeights ?? true
    this.reverseDtype = args.reverseDtype ?? null
    this.logitSoftCap = args.logitSoftCap ?? null
  }

  override build(inputShape?: ShapeLike): void {
    const first = !this.embeddingsVar
    super.build(inputShape)
    if (first && !this.tieWeights) {
      this.reverseEmbeddings = this.addWeight({ name: 'reverse_embeddings', shape: [this.outputDim, this.inputDim], initializer: this.embeddingsInitializer })
    }
  }

  override call(inputs: unknown, options: CallOptions = {}): Tensor {
    if (!options['reverse']) {
      const out = super.call(inputs)
      const mask = super.computeMask(inputs, null)
      if (mask) setKerasMask(out, mask)
      return out
    }
    let x = inputs as Tensor
    let kernel = this.tieWeights ? transpose(this.embeddings) : this.reverseEmbeddings!.value
    if (this.reverseDtype) {
      x = cast(x, this.reverseDtype)
      kernel = cast(kernel, this.reverseDtype)
    }
    let logits = tensordot(x, kernel, { axes: 1 })
    if (this.logitSoftCap !== null) logits = multiply(lax.tanh(divide(logits, this.logitSoftCap)), this.logitSoftCap)
    return logits
  }

  override computeMask(): null { return null }

  override computeOutputShape(inputShape: ShapeLike): Dim[] { return [...(inputShape as readonly Dim[]), this.outputDim] }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), tie_weights: this.tieWeights, reverse_dtype: this.reverseDtype, logit_soft_cap: this.logitSoftCap }
  }
}
