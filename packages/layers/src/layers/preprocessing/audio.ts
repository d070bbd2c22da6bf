/**
 * @file Audio preprocessing layers (Keras 3): MelSpectrogram (STFT power → mel filterbank → dB)
 * and STFTSpectrogram (STFT as a strided convolution with trainable-shaped DFT kernels).
 */
import { DTypeError, InvalidArgumentError, Tensor, type Dim } from '@kx/core'
import {
  add, arctan2, cast, concatenate, expandDims, linspace, log, log10, extractSequences, stft, maximum, minimum, max, multiply, pad, power, reshape, sqrt, square, subtract,
  swapaxes, take, tensordot, transpose, divide, array,
} from '@kx/ops-numpy'
import { conv, computeConvOutputShape } from '@kx/ops-nn'
import { Layer, type LayerArgs, type ShapeLike } from '../../engine/Layer.js'
import { InputSpec } from '../../engine/InputSpec.js'
import { STFT } from '../../initializers/Initializer.js'
import { dataFormatArg } from '../common.js'

const MEL_BREAK = 700
const MEL_HIGH_Q = 1127

/** Options of `MelSpectrogram`. */
export interface MelSpectrogramArgs extends LayerArgs {
  readonly fftLength?: number
  readonly sequenceStride?: number
  readonly sequenceLength?: number | null
  readonly window?: 'hann' | 'hamming' | null
  readonly samplingRate?: number
  readonly numMelBins?: number
  readonly minFreq?: number
  readonly maxFreq?: number | null
  readonly powerToDb?: boolean
  readonly topDb?: number
  readonly magExp?: number
  readonly minPower?: number
  readonly refPower?: number
}

/**
 * Mel spectrograms of raw audio (Keras `MelSpectrogram`): `[batch, samples]` → `[batch, numMelBins, frames]`.
 *
 * @example
 * ```ts
 * new MelSpectrogram({ fftLength: 512, sequenceStride: 128, numMelBins: 64, samplingRate: 16000 }).apply(audio)
 * ```
 */
export class MelSpectrogram extends Layer {
  static readonly className: string = 'MelSpectrogram'
  readonly fftLength: number
  readonly sequenceStride: number
  readonly sequenceLength: number
  readonly window: 'hann' | 'hamming' | null
  readonly samplingRate: number
  readonly numMelBins: number
  readonly minFreq: number
  readonly maxFreq: number
  readonly powerToDb: boolean
  readonly topDb: number
  readonly magExp: number
  readonly minPower: number
  readonly refPower: number
  constructor(args: MelSpectrogramArgs = {}) {
    super(args)
    this.fftLength = args.fftLength ?? 2048
    this.sequenceStride = args.sequenceStride ?? 512
    this.sequenceLength = args.sequenceLength || this.fftLength
    if (this.fftLength < this.sequenceLength) {
      throw new InvalidArgumentError(`\`fft_length\` must be greater than or equal to   \`sequence_length\`. Received: \`sequence_length\`=${this.sequenceLength}, \`fft_length\`=${this.fftLength}.`)
    }
    this.window = args.window === undefined ? 'hann' : args.window
    this.samplingRate = args.samplingRate ?? 16000
    this.numMelBins = args.numMelBins ?? 128
    this.minFreq = args.minFreq ?? 20
    this.maxFreq = args.maxFreq || Math.trunc(this.samplingRate / 2)
    this.powerToDb = args.powerToDb ?? true
    this.topDb = args.topDb ?? 80
    this.magExp = args.magExp ?? 2
    this.minPower = args.minPower ?? 1e-10
    this.refPower = args.refPower ?? 1
    this.built = true
  }

  private hzToMel(f: Tensor): Tensor { return multiply(log(add(divide(f, MEL_BREAK), 1)), MEL_HIGH_Q) }

  /** Keras's `linear_to_mel_weight_matrix` (float32): `[numSpectrogramBins, numMelBins]`. */
  linearToMelWeightMatrix(numSpectrogramBins: number): Tensor {
    const d = 'float32'
    const nyquist = this.samplingRate / 2
    const lin = linspace(array(0, { dtype: d }), array(nyquist, { dtype: d }), { num: numSpectrogramBins })
    const binsMel = expandDims(this.hzToMel(sliceFrom(lin, 1)), 1)
    const edges = linspace(this.hzToMel(array(this.minFreq, { dtype: d })), this.hzToMel(array(this.maxFreq, { dtype: d })), { num: this.numMelBins + 2 })
    const bands = extractSequences(edges, 3, 1)
    const col = (j: number): Tensor => reshape(sliceCol(bands, j), [1, this.numMelBins])
    const [lo, ce, up] = [col(0), col(1), col(2)]
    const lower = divide(subtract(binsMel, lo), subtract(ce, lo))
    const upper = divide(subtract(up, binsMel), subtract(up, ce))
    const w = maximum(0, minimum(lower, upper))
    return pad(w, [[1, 0], [0, 0]])
  }

  override call(inputs: unknown): Tensor {
    const cd = this.computeDtype
    const d = cd === 'float32' || cd === 'float64' ? cd : 'float32'
    const x = cast(inputs as Tensor, d)
    const [re, im] = stft(x, this.sequenceLength, this.sequenceStride, this.fftLength, { window: this.window, center: true })
    let spec = power(sqrt(add(square(re), square(im))), this.magExp)
    spec = tensordot(spec, cast(this.linearToMelWeightMatrix(spec.shape[spec.shape.length - 1] as number), spec.dtype), { axes: 1 })
    if (this.powerToDb) {
      let db = multiply(log10(maximum(spec, this.minPower)), 10)
      db = subtract(db, 10 * Math.log10(Math.max(Math.abs(this.refPower), this.minPower)))
      db = maximum(db, subtract(max(db), this.topDb))
      spec = db
    }
    return cast(swapaxes(spec, -1, -2), cd)
  }

  override computeOutputShape(inputShape: ShapeLike): Dim[] {
    const s = inputShape as Dim[]
    const frames = (n: Dim): Dim => (n === null ? null : Math.floor((n + this.sequenceStride + 1) / this.sequenceStride))
    return s.length === 1 ? [this.numMelBins, frames(s[0]!)] : [s[0]!, this.numMelBins, frames(s[1]!)]
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(), fft_length: this.fftLength, sequence_stride: this.sequenceStride, sequence_length: this.sequenceLength, window: this.window,
      sampling_rate: this.samplingRate, num_mel_bins: this.numMelBins, min_freq: this.minFreq, max_freq: this.maxFreq, power_to_db: this.powerToDb,
      top_db: this.topDb, mag_exp: this.magExp, min_power: this.minPower, ref_power: this.refPower,
    }
  }
}

const sliceFrom = (x: Tensor, start: number): Tensor => take(x, array(Array.from({ length: (x.shape[0] as number) - start }, (_, i) => i + start), { dtype: 'int32' }))
const sliceCol = (x: Tensor, j: number): Tensor => take(x, array([j], { dtype: 'int32' }), { axis: 1 })

/** Options of `STFTSpectrogram`. */
export interface STFTSpectrogramArgs extends LayerArgs {
  readonly mode?: 'log' | 'magnitude' | 'psd' | 'real' | 'imag' | 'angle' | 'stft'
  readonly frameLength?: number
  readonly frameStep?: number | null
  readonly fftLength?: number | null
  readonly window?: string | readonly number[] | null
  readonly periodic?: boolean
  readonly scaling?: 'density' | 'spectrum' | null
  readonly padding?: 'valid' | 'same'
  readonly expandDims?: boolean
  readonly dataFormat?: 'channels_last' | 'channels_first' | null
}

const EPS = 1e-7

/**
 * Spectrograms of multi-channel signals `[batch, time, channels]` by convolving with DFT kernels
 * (Keras `STFTSpectrogram`); the kernels are weights, so the layer can be fine-tuned.
 *
 * @example
 * ```ts
 * new STFTSpectrogram({ mode: 'log', frameLength: 256, frameStep: 128 }).apply(signals)
 * ```
 */
export class STFTSpectrogram extends Layer {
  static readonly className: string = 'STFTSpectrogram'
  readonly mode: NonNullable<STFTSpectrogramArgs['mode']>
  readonly frameLength: number
  readonly frameStep: number | null
  readonly fftLength: number | null
  readonly window: string | readonly number[] | null
  readonly periodic: boolean
  readonly scaling: 'density' | 'spectrum' | null
  readonly padding: 'valid' | 'same'
  readonly expandDims: boolean
  readonly dataFormat: 'channels_last' | 'channels_first'
  realKernel: import('@kx/core').Variable | null = null
  imagKernel: import('@kx/core').Variable | null = null
  private readonly step: number
  private readonly nfft: number
  constructor(args: STFTSpectrogramArgs = {}) {
    super(args)
    const frameLength = args.frameLength ?? 256
    const frameStep = args.frameStep ?? null
    const fftLength = args.fftLength ?? null
    if (frameStep !== null && (frameStep > frameLength || frameStep < 1)) {
      throw new InvalidArgumentError(`\`frame_step\` should be a positive integer not greater than \`frame_length\`. Received frame_step=${frameStep}, frame_length=${frameLength}`)
    }
    if (fftLength !== null && fftLength < frameLength) throw new InvalidArgumentError(`\`fft_length\` should be not less than \`frame_length\`. Received fft_length=${fftLength}, frame_length=${frameLength}`)
    const mode = args.mode ?? 'log'
    if (!['log', 'magnitude', 'psd', 'real', 'imag', 'angle', 'stft'].includes(mode)) {
      throw new InvalidArgumentError(`Output mode is invalid, it must be one of log, magnitude, psd, real, imag, angle, stft. Received: mode=${mode}`)
    }
    const padding = args.padding ?? 'valid'
    if (padding !== 'valid' && padding !== 'same') throw new InvalidArgumentError(`Padding is invalid, it should be 'valid', 'same'. Received: padding=${padding}`)
    this.mode = mode
    this.frameLength = frameLength
    this.frameStep = frameStep
    this.step = frameStep ?? Math.floor(frameLength / 2)
    this.fftLength = fftLength
    this.nfft = fftLength ?? 2 ** Math.ceil(Math.log2(frameLength))
    this.window = args.window === undefined ? 'hann' : args.window
    this.periodic = args.periodic ?? false
    this.scaling = args.scaling === undefined ? 'density' : args.scaling
    this.padding = padding
    this.expandDims = args.expandDims ?? false
    this.dataFormat = dataFormatArg(args.dataFormat)
    this.inputSpec = new InputSpec({ ndim: 3 })
    new STFT({ side: 'real', window: this.window, scaling: this.scaling, periodic: this.periodic })
  }

  override build(): void {
    const shape = [this.frameLength, 1, Math.floor(this.nfft / 2) + 1]
    const init = (side: 'real' | 'imag'): STFT => new STFT({ side, window: this.window, scaling: this.scaling, periodic: this.periodic })
    if (this.mode !== 'imag') this.realKernel = this.addWeight({ name: 'real_kernel', shape, initializer: init('real') })
    if (this.mode !== 'real') this.imagKernel = this.addWeight({ name: 'imag_kernel', shape, initializer: init('imag') })
    this.built = true
  }

  /** Convolves every channel with a kernel: `[batch, channels, freq, time]`. */
  private applyConv(x: Tensor, kernel: Tensor): Tensor {
    const [, a, b] = x.shape as number[]
    const cl = this.dataFormat === 'channels_last'
    const [timeSeq, channels] = cl ? [a!, b!] : [b!, a!]
    const inp = cl ? reshape(transpose(x, { axes: [0, 2, 1] }), [-1, timeSeq, 1]) : reshape(x, [-1, 1, timeSeq])
    const out = conv(inp, cast(kernel, x.dtype), { padding: this.padding, strides: this.step, dataFormat: this.dataFormat })
    if (cl) {
      const [, t, f] = out.shape as number[]
      return reshape(transpose(out, { axes: [0, 2, 1] }), [-1, channels, f!, t!])
    }
    const [, f, t] = out.shape as number[]
    return reshape(out, [-1, channels, f!, t!])
  }

  private adjust(y: Tensor): Tensor {
    const [, c, f, t] = y.shape as number[]
    if (this.dataFormat === 'channels_last') {
      return this.expandDims ? transpose(y, { axes: [0, 3, 2, 1] }) : transpose(reshape(y, [-1, c! * f!, t!]), { axes: [0, 2, 1] })
    }
    return this.expandDims ? transpose(y, { axes: [0, 1, 3, 2] }) : reshape(y, [-1, c! * f!, t!])
  }

  override call(inputs: unknown): Tensor {
    const x = inputs as Tensor
    if (!['float16', 'float32', 'float64'].includes(x.dtype)) throw new DTypeError(`Invalid input type. Expected \`float16\`, \`float32\` or \`float64\`. Received: input type=${x.dtype}`)
    const re = this.mode !== 'imag' ? this.applyConv(x, this.realKernel!.value) : null
    const im = this.mode !== 'real' ? this.applyConv(x, this.imagKernel!.value) : null
    if (this.mode === 'real') return this.adjust(re!)
    if (this.mode === 'imag') return this.adjust(im!)
    if (this.mode === 'angle') return this.adjust(arctan2(im!, re!))
    if (this.mode === 'stft') return this.adjust(concatenate([re!, im!], { axis: 2 }))
    const p = add(square(re!), square(im!))
    if (this.mode === 'psd') {
      const f = p.shape[2] as number
      const inner = take(p, array(Array.from({ length: Math.max(0, f - 2) }, (_, i) => i + 1), { dtype: 'int32' }), { axis: 2 })
      return this.adjust(add(p, pad(inner, [[0, 0], [0, 0], [1, 1], [0, 0]])))
    }
    const lin = this.adjust(sqrt(maximum(p, EPS)))
    return this.mode === 'magnitude' ? lin : log(maximum(lin, EPS))
  }

  override computeOutputShape(inputShape: ShapeLike): Dim[] {
    const s = inputShape as Dim[]
    const channels = this.dataFormat === 'channels_last' ? s[2]! : s[1]!
    let freq = Math.floor(this.nfft / 2) + 1
    if (this.mode === 'stft') freq *= 2
    const shape = computeConvOutputShape(s, freq * (channels as number), [this.frameLength], { strides: this.step, padding: this.padding, dataFormat: this.dataFormat } as never) as Dim[]
    const [batch, t] = this.dataFormat === 'channels_last' ? [shape[0]!, shape[1]!] : [shape[0]!, shape[2]!]
    if (this.expandDims) return this.dataFormat === 'channels_last' ? [batch, t, freq, channels] : [batch, channels, t, freq]
    return shape
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(), mode: this.mode, frame_length: this.frameLength, frame_step: this.frameStep, fft_length: this.fftLength,
      window: this.window, periodic: this.periodic, scaling: this.scaling, padding: this.padding, data_format: this.dataFormat, expand_dims: this.expandDims,
    }
  }
}

