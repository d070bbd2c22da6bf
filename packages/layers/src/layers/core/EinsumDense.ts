/** @file `EinsumDense`: a dense layer whose contraction is any einsum equation `input,kernel->output` (Keras `EinsumDense`). */
import { InvalidArgumentError, ShapeError, fmt, type Dim, type Tensor, type Variable } from '@kx/core'
import { add, einsum } from '@kx/ops-numpy'
import { Layer, type ShapeLike } from '../../engine/Layer.js'
import { InputSpec } from '../../engine/InputSpec.js'
import { get as getActivation, serialize as serializeActivation, type ActivationFn, type ActivationIdentifier } from '../../activations/activations.js'
import { VarianceScaling } from '../../initializers/random.js'
import {
  LORA_CONSTRAINT_MESSAGE, addKernelAndBias, addLora, checkCanEnableLora, kernelBiasArgs, kernelBiasConfig, loraConfig, loraKernel,
  type KernelBiasArgs, type KernelBiasFields,
} from '../common.js'

/** Options of `EinsumDense`. */
export interface EinsumDenseArgs extends KernelBiasArgs {
  /** `"ab,bc->ac"`, `"...b,bc->...c"` or `"ab...,bc->ac..."`: input, kernel, output subscripts. */
  readonly equation: string
  /** The output shape without the batch axis (null for dims taken from the input). */
  readonly outputShape: number | readonly (number | null)[]
  readonly activation?: ActivationIdentifier
  /** Output subscripts that get a bias (e.g. `"c"`). */
  readonly biasAxes?: string | null
  readonly loraRank?: number | null
  readonly loraAlpha?: number | null
  readonly quantizationConfig?: null
}

interface EinsumAnalysis { kernelShape: Dim[]; biasShape: number[] | null; outputShape: Dim[]; inputAxes: number[]; outputAxes: number[] }

/** Keras's `_analyze_einsum_string`: kernel and bias shapes, the full output shape, and the kernel's fan axes. */
export function analyzeEinsum(equation: string, biasAxes: string | null, inputShape: readonly Dim[], partialOutput: readonly Dim[]): EinsumAnalysis {
  const s = equation.replace(/\.\.\./g, '0')
  let m = /^([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)$/.exec(s)
  let leftElided = false
  if (!m) { m = /^0([a-zA-Z]+),([a-zA-Z]+)->0([a-zA-Z]+)$/.exec(s); leftElided = !!m }
  if (!m) m = /^([a-zA-Z]{2,})0,([a-zA-Z]+)->([a-zA-Z]+)0$/.exec(s)
  if (!m) throw new InvalidArgumentError(`Invalid einsum equation '${equation}'. Equations must be in the form [X],[Y]->[Z], ...[X],[Y]->...[Z], or [X]...,[Y]->[Z]....`)
  const [, inSpec, wSpec, outSpec] = m as unknown as [string, string, string, string]
  const elided = inputShape.length - inSpec.length
  const outShape: Dim[] = [inputShape[0] ?? null, ...partialOutput]
  if (elided > 0 && leftElided) for (let i = 1; i < elided; i++) outShape.splice(1, 0, inputShape[i] ?? null)
  else if (elided > 0) for (let i = inputShape.length - elided; i < inputShape.length; i++) outShape.push(inputShape[i] ?? null)
  const inMap = new Map<string, number>([...inSpec].map((d, i) => [d, leftElided ? i + elided - inputShape.length : i]))
  const outMap = new Map<string, number>([...outSpec].map((d, i) => [d, leftElided ? i + elided : i]))
  const at = (shape: readonly Dim[], i: number): Dim => shape[i < 0 ? shape.length + i : i] ?? null
  for (const d of inSpec) {
    if (!outMap.has(d)) continue
    const o = outShape[outMap.get(d)!]
    const x = at(inputShape, inMap.get(d)!)
    if (o !== null && o !== undefined && o !== x) throw new ShapeError(`Input shape and output shape do not match at shared dimension '${d}'. Input shape is ${fmt(x)}, and output shape is ${fmt(o)}.`)
  }
  for (const d of outSpec) {
    if (!inSpec.includes(d) && !wSpec.includes(d)) throw new InvalidArgumentError(`Dimension '${d}' was specified in the output '${outSpec}' but has no corresponding dim in the input spec '${inSpec}' or weight spec '${wSpec}'`)
  }
  const kernelShape: Dim[] = []
  const inputAxes: number[] = []
  const outputAxes: number[] = []
  ;[...wSpec].forEach((d, i) => {
    if (outMap.has(d)) { kernelShape.push(outShape[outMap.get(d)!] ?? null); outputAxes.push(i) }
    else if (inMap.has(d)) { kernelShape.push(at(inputShape, inMap.get(d)!)); inputAxes.push(i) }
    else throw new InvalidArgumentError(`Weight dimension '${d}' did not have a match in either the input spec '${inSpec}' or the output spec '${outSpec}'. For this layer, the weight must be fully specified.`)
  })
  let biasShape: number[] | null = null
  if (biasAxes !== null) {
    const left = leftElided ? elided : 0
    for (const c of biasAxes) if (!outSpec.includes(c)) throw new InvalidArgumentError(`Bias dimension '${c}' was requested, but is not part of the output spec '${outSpec}'`)
    const first = Math.min(...[...biasAxes].map((c) => outSpec.indexOf(c)))
    biasShape = [...outSpec.slice(first)].map((c) => (biasAxes.includes(c) ? (outShape[outSpec.indexOf(c) + left] as number) : 1))
    if (!leftElided) for (let i = 0; i < elided; i++) biasShape.push(1)
  }
  return { kernelShape, biasShape, outputShape: outShape, inputAxes, outputAxes }
}

/**
 * A dense layer with an einsum contraction (Keras `EinsumDense`): `activation(einsum(equation, x, kernel) + bias)`.
 *
 * When to use: projections that keep or create several axes, e.g. attention heads `"abc,cde->abde"`.
 *
 * @example
 * ```ts
 * const layer = new EinsumDense({ equation: 'ab,bc->ac', outputShape: 64, biasAxes: 'c' })
 * layer.apply(ops.ones([2, 32])) // [2, 64]
 * ```
 */
export class EinsumDense extends Layer {
  static readonly className: string = 'EinsumDense'
  readonly equation: string
  readonly partialOutputShape: (number | null)[]
  readonly biasAxes: string | null
  readonly activation: ActivationFn
  loraRank: number | null
  loraAlpha: number | null
  loraEnabled = false
  kernelVar!: Variable
  bias: Variable | null = null
  loraKernelA: Variable | null = null
  loraKernelB: Variable | null = null

  constructor(args: EinsumDenseArgs) {
    super(args)
    if (typeof args?.equation !== 'string') throw new InvalidArgumentError(`EinsumDense needs an \`equation\` string. Received: equation=${fmt(args?.equation)}`)
    if (args.quantizationConfig !== undefined && args.quantizationConfig !== null) {
      throw new InvalidArgumentError(`EinsumDense does not take a quantization_config; quantize with @kx/quantize. Received: quantization_config=${fmt(args.quantizationConfig)}`)
    }
    this.equation = args.equation
    this.partialOutputShape = typeof args.outputShape === 'number' ? [args.outputShape] : [...args.outputShape]
    this.biasAxes = args.biasAxes ?? null
    this.activation = getActivation(args.activation)
    Object.assign(this, kernelBiasArgs(args))
    this.loraRank = args.loraRank ?? null
    this.loraAlpha = args.loraAlpha ?? this.loraRank
  }

  override build(inputShape: ShapeLike): void {
    const shape = inputShape as readonly Dim[]
    const a = analyzeEinsum(this.equation, this.biasAxes, shape, this.partialOutputShape)
    if (a.kernelShape.some((d) => d === null)) throw new ShapeError(`EinsumDense needs a fully known kernel shape. Received: kernel shape=${fmt(a.kernelShape)}, input_shape=${fmt(shape)}`)
    this.inputSpec = new InputSpec({ ndim: shape.length })
    let init = this.kernelInitializer
    // Like Keras: a VarianceScaling initializer without explicit axes computes fans from the einsum's axes.
    if (init instanceof VarianceScaling && (init.inputAxes === null || init.outputAxes === null)) {
      init = new VarianceScaling({ scale: init.scale, mode: init.mode, distribution: init.distribution, seed: init.seed, inputAxes: a.inputAxes, outputAxes: a.outputAxes })
    }
    ;[this.kernelVar, this.bias] = addKernelAndBias(this, { kernelShape: a.kernelShape as number[], biasShape: a.biasShape, kernelInitializer: init, trainable: !this.loraRank })
    this.built = true
    if (this.loraRank) this.createLora(this.loraRank, this.loraAlpha)
  }

  /** Freezes the kernel and adds LoRA factors over its flattened `[prod(shape[:-1]), shape[-1]]` form (Keras `enable_lora`). */
  enableLora(rank: number, loraAlpha: number | null = null): void {
    checkCanEnableLora(this)
    this.kernelVar.trainable = false
    this.createLora(rank, loraAlpha)
  }

  private createLora(rank: number, loraAlpha: number | null): void {
    if (this.kernelConstraint) throw new InvalidArgumentError(LORA_CONSTRAINT_MESSAGE)
    const ks = this.kernelVar.shape
    addLora(this, rank, loraAlpha, [...ks.slice(0, -1), rank], [rank, ks.at(-1)!])
  }

  /** The effective kernel (with the LoRA delta when enabled). */
  get kernel(): Tensor {
    return loraKernel(this)
  }

  override call(inputs: unknown): Tensor {
    let y = einsum(this.equation, inputs as Tensor, this.kernel)
    if (this.bias) y = add(y, this.bias.value)
    y = this.activation(y)
    return y
  }

  override computeOutputShape(inputShape: ShapeLike): Dim[] {
    return analyzeEinsum(this.equation, this.biasAxes, inputShape as readonly Dim[], this.partialOutputShape).outputShape
  }

  override getConfig(): Record<string, unknown> {
    const config: Record<string, unknown> = {
      ...super.getConfig(),
      output_shape: [...this.partialOutputShape],
      equation: this.equation,
      activation: serializeActivation(this.activation),
      bias_axes: this.biasAxes,
      ...kernelBiasConfig(this),
      quantization_config: null,
      ...loraConfig(this.loraRank, this.loraAlpha),
    }
    return config
  }
}

// Declaration merging: `kernelBiasArgs` sets the resolved kernel / bias / activity options in the constructor.
export interface EinsumDense extends KernelBiasFields {}
