/**
 * @file The Initializer base class (Keras `keras.initializers.Initializer`) and the constant
 * initializers: Zeros, Ones, Constant, Identity, STFT.
 */
import { InvalidArgumentError, ShapeError, fmt, full, lax, tensor, type DType, type Tensor, floatx } from '@kx/core'

/**
 * Base class of initializers: `apply(shape, dtype)` returns a new tensor; `getConfig()` returns
 * Keras's snake_case config; `Initializer.fromConfig(config)` rebuilds one.
 *
 * When to use: subclass it for a custom initializer and register it with `registerKerasSerializable`.
 *
 * @example
 * ```ts
 * class Twos extends Initializer {
 *   override apply(shape: readonly number[], dtype: DType = 'float32') { return full(shape, 2, dtype) }
 * }
 * ```
 */
export class Initializer {
  /** Keras's class name (used in configs). */
  static readonly className: string = 'Initializer'
  get className(): string { return (this.constructor as typeof Initializer).className }

  /** Returns a tensor of `shape` and `dtype` (floatx by default). */
  apply(shape: readonly number[], dtype?: DType): Tensor {
    void shape
    void dtype
    throw new InvalidArgumentError(`Initializer subclasses must implement apply(). Received: class=${this.className}`)
  }

  /** Keras's config (snake_case keys). */
  getConfig(): Record<string, unknown> { return {} }

  /** Rebuilds an initializer from its config (snake_case keys become camelCase options). */
  static fromConfig(this: new (args?: any) => Initializer, config: Record<string, unknown>): Initializer {
    return new this(camelArgs(config))
  }

  /** An independent copy (Keras `clone`). */
  clone(): Initializer { return (this.constructor as typeof Initializer).fromConfig(this.getConfig()) }
  toString(): string { return `<${this.className}>` }
}

/** snake_case → camelCase top-level keys (skipping prototype keys). */
export function camelArgs(config: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(config)) {
    if (k === '__proto__' || k === 'constructor' || k === 'prototype') continue
    out[k.replace(/_([a-z0-9])/g, (_, ch: string) => ch.toUpperCase())] = v
  }
  return out
}

/**
 * All zeros (Keras `zeros`).
 *
 * @example
 * ```ts
 * new Zeros().apply([2, 2])
 * ```
 */
export class Zeros extends Initializer {
  static override readonly className: string = 'Zeros'
  override apply(shape: readonly number[], dtype?: DType): Tensor { return full(shape, 0, dtype ?? floatx()) }
}

/**
 * All ones (Keras `ones`).
 *
 * @example
 * ```ts
 * new Ones().apply([3])
 * ```
 */
export class Ones extends Initializer {
  static override readonly className: string = 'Ones'
  override apply(shape: readonly number[], dtype?: DType): Tensor { return full(shape, 1, dtype ?? floatx()) }
}

/** Options of `Constant`. */
export interface ConstantArgs { readonly value?: number }

/**
 * A constant value (Keras `constant`).
 *
 * @example
 * ```ts
 * new Constant({ value: 0.5 }).apply([2])
 * ```
 */
export class Constant extends Initializer {
  static override readonly className: string = 'Constant'
  readonly value: number
  constructor(args: ConstantArgs = {}) {
    super()
    if (typeof args.value !== 'undefined' && typeof args.value !== 'number') {
      throw new InvalidArgumentError(`Constant initializer expects a number value. Received: value=${fmt(args.value)}`)
    }
    this.value = args.value ?? 0
  }
  override apply(shape: readonly number[], dtype?: DType): Tensor { return full(shape, this.value, dtype ?? floatx()) }
  override getConfig(): Record<string, unknown> { return { value: this.value } }
}

/** Options of `Identity`. */
export interface IdentityArgs { readonly gain?: number }

/**
 * `gain · eye(rows, cols)` for 2-D shapes (Keras `identity`).
 *
 * @example
 * ```ts
 * new IdentityInitializer({ gain: 2 }).apply([3, 3])
 * ```
 */
export class IdentityInitializer extends Initializer {
  static override readonly className: string = 'Identity'
  readonly gain: number
  constructor(args: IdentityArgs = {}) {
    super()
    this.gain = args.gain ?? 1
  }
  override apply(shape: readonly number[], dtype?: DType): Tensor {
    if (shape.length !== 2) {
      throw new ShapeError(`Identity matrix initializer can only be used for 2D matrices. Received: shape=${fmt(shape)} of rank ${shape.length}.`)
    }
    const d = dtype ?? floatx()
    const [r, cols] = shape as [number, number]
    const rows = lax.iota('int32', [r, cols], 0)
    const colsI = lax.iota('int32', [r, cols], 1)
    return lax.select(lax.eq(rows, colsI), full([r, cols], this.gain, d), full([r, cols], 0, d))
  }
  // NOTE: Keras's Identity has no get_config, so its config is {} and `gain` is not saved; kept for compatibility.
  override getConfig(): Record<string, unknown> { return {} }
}

/** Options of `STFT` (Keras `STFTInitializer`). */
export interface STFTArgs {
  readonly side?: 'real' | 'imag'
  /** A window name ('hann', 'hamming', 'boxcar'/'rect', 'blackman', 'bartlett'), an array, or null. */
  readonly window?: string | readonly number[] | null
  readonly scaling?: 'density' | 'spectrum' | null
  readonly periodic?: boolean
}

/**
 * Initializer of STFT kernels (shape `[frameLength, inputChannels, fftBins]`): the real or
 * imaginary part of the DFT basis times a window (Keras `STFT`).
 *
 * @example
 * ```ts
 * new STFT({ side: 'real', window: 'hann' }).apply([8, 1, 5])
 * ```
 */
export class STFT extends Initializer {
  static override readonly className: string = 'STFT'
  readonly side: 'real' | 'imag'
  readonly window: string | readonly number[] | null
  readonly scaling: 'density' | 'spectrum' | null
  readonly periodic: boolean
  constructor(args: STFTArgs = {}) {
    super()
    this.side = args.side ?? 'real'
    if (this.side !== 'real' && this.side !== 'imag') throw new InvalidArgumentError(`side should be 'real' or 'imag', not ${fmt(args.side)}`)
    this.window = args.window === undefined ? 'hann' : args.window
    if (typeof this.window === 'string') windowValues(this.window, 1, false)
    this.scaling = args.scaling === undefined ? 'density' : args.scaling
    if (this.scaling !== null && this.scaling !== 'density' && this.scaling !== 'spectrum') {
      throw new InvalidArgumentError(`Scaling is invalid, it must be \`None\`, 'density' or 'spectrum'. Received scaling=${fmt(args.scaling)}`)
    }
    this.periodic = args.periodic ?? false
  }
  override apply(shape: readonly number[], dtype?: DType): Tensor {
    const d = dtype ?? floatx()
    if (shape.length !== 3) throw new ShapeError(`STFT initializer expects a shape [frame_length, input_channels, fft_length]. Received: shape=${fmt(shape)}`)
    const [frameLength, channels, fftLength] = shape as [number, number, number]
    let win: number[] | null = null
    let scaling = 1
    if (this.window !== null) {
      win = typeof this.window === 'string' ? windowValues(this.window, frameLength, this.periodic) : [...this.window]
      if (win.length !== frameLength) throw new ShapeError(`The shape of \`window\` must be equal to [frame_length]. Received: window shape=[${win.length}]`)
      if (this.scaling === 'density') scaling = Math.sqrt(win.reduce((a, w) => a + w * w, 0))
      else if (this.scaling === 'spectrum') scaling = win.reduce((a, w) => a + Math.abs(w), 0)
    }
    const denom = (fftLength - 1) * 2
    const out = new Float64Array(frameLength * channels * fftLength)
    for (let t = 0; t < frameLength; t++) {
      for (let ch = 0; ch < channels; ch++) {
        for (let f = 0; f < fftLength; f++) {
          const arg = -2 * t * (f / denom) * Math.PI
          let v = this.side === 'real' ? Math.cos(arg) : Math.sin(arg)
          if (win) v = (v * win[t]!) / scaling
          out[(t * channels + ch) * fftLength + f] = v
        }
      }
    }
    return tensor(Array.from(out), { shape: [frameLength, channels, fftLength], dtype: d })
  }
  override getConfig(): Record<string, unknown> {
    return { side: this.side, window: this.window === null || typeof this.window === 'string' ? this.window : [...this.window], periodic: this.periodic, scaling: this.scaling }
  }
}

/** SciPy `get_window(name, n, fftbins=periodic)` for the common windows. */
function windowValues(name: string, n: number, periodic: boolean): number[] {
  const m = periodic ? n + 1 : n
  const cosine = (a: readonly number[]): number[] => Array.from({ length: n }, (_, i) => a.reduce((s, ak, k) => s + (k % 2 ? -1 : 1) * ak * Math.cos((2 * Math.PI * k * i) / (m - 1)), 0))
  if (n === 1) return [1]
  switch (name) {
    case 'hann': case 'hanning': return cosine([0.5, 0.5])
    case 'hamming': return cosine([0.54, 0.46])
    case 'blackman': return cosine([0.42, 0.5, 0.08])
    case 'boxcar': case 'rect': case 'rectangular': case 'ones': return Array.from({ length: n }, () => 1)
    case 'bartlett': case 'triang': {
      if (name === 'bartlett') return Array.from({ length: n }, (_, i) => 1 - Math.abs((2 * i) / (m - 1) - 1))
      break
    }
    default: break
  }
  throw new InvalidArgumentError(`Unknown window type. Supported: hann, hamming, blackman, boxcar, bartlett. Received: window=${fmt(name)}`)
}
