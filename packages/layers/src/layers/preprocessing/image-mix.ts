/**
 * @file Mixing and policy augmentation layers (Keras 3): MixUp, CutMix, RandomErasing, RandAugment and AugMix.
 */
import { SeedGenerator, Tensor, hostRandom, tidy, type DType } from '@kx/core'
import {
  add, any, arange, array, cast, clip, concatenate, divide, equal, full, fullLike, logicalAnd, greaterEqual, less, meshgrid, multiply, ones, random, repeat, reshape,
  sqrt, subtract, sum, take, where, zerosLike,
} from '@kx/ops-numpy'
import type { Layer } from '../../engine/Layer.js'
import type { BoundingBoxes } from './bounding-boxes.js'
import { BaseImagePreprocessingLayer, factorArg, type ImageLayerArgs } from './image-base.js'
import { RandomRotation, RandomShear, RandomTranslation } from './image-geometric.js'
import { RandomBrightness, RandomColorDegeneration, RandomContrast } from './image-color.js'
import { AutoContrast, Equalization, RandomPosterization, RandomSharpness, Solarization } from './image-tone.js'

const col = (x: Tensor): Tensor => reshape(x, [x.shape[0] as number, 1, 1, 1])

/** Runs `fn` with `layer` drawing from `gen` (Keras passes the parent's generator as `seed`). */
function withGenerator<R>(layer: BaseImagePreprocessingLayer, gen: SeedGenerator | null, fn: () => R): R {
  const l = layer as unknown as { generator: SeedGenerator | null }
  const own = l.generator
  l.generator = gen
  try { return fn() } finally { l.generator = own }
}

/** Options of `MixUp`. */
export interface MixUpArgs extends ImageLayerArgs { readonly alpha?: number }

/**
 * MixUp (Keras `MixUp`): blends each image (and label) with another image of the batch, weights from Beta(α, α).
 *
 * @example
 * ```ts
 * new MixUp({ alpha: 0.2, seed: 0 }).apply({ images, labels })
 * ```
 */
export class MixUp extends BaseImagePreprocessingLayer {
  static readonly className: string = 'MixUp'
  readonly alpha: number
  constructor(args: MixUpArgs = {}) {
    super(args, true)
    this.alpha = args.alpha ?? 0.2
  }
  override getRandomTransformation(images: Tensor): unknown {
    const n = images.shape.length === 3 ? 1 : (images.shape[0] as number)
    const perm = random.shuffle(arange(0, n, 1, { dtype: 'int32' }), { seed: this.generator! })
    // NOTE: gamma/beta unroll their rejection loops on backends without sync reads (WebGPU): tidy frees the intermediates.
    const w = tidy(() => random.beta([n], this.alpha, this.alpha, { seed: this.generator! }))
    return { perm, w }
  }
  transformImages(images: Tensor, t: unknown, training: boolean): Tensor {
    if (!training) return images
    const { perm, w } = t as { perm: Tensor; w: Tensor }
    const x = cast(images, this.computeDtype)
    const m = cast(col(w), this.computeDtype)
    return add(multiply(m, x), multiply(subtract(1, m), take(x, perm, { axis: 0 })))
  }
  override transformLabels(labels: Tensor, t: unknown, training: boolean): Tensor {
    if (!training) return labels
    const { perm, w } = t as { perm: Tensor; w: Tensor }
    const m = reshape(w, [-1, 1])
    return add(multiply(m, labels), multiply(subtract(1, m), take(labels, perm, { axis: 0 })))
  }
  /** Appends each image's partner boxes (axis 1); like Keras, labels are concatenated along the batch axis. */
  override transformBoundingBoxes(b: BoundingBoxes, t: unknown, training: boolean): BoundingBoxes {
    if (!training) return b
    const { perm } = t as { perm: Tensor }
    const boxes = concatenate([b.boxes, take(b.boxes, perm, { axis: 0 })], { axis: 1 })
    // NOTE: Keras 3.15 concatenates labels on axis 0 (giving `(2B, N)`), not axis 1; kept for parity.
    const labels = b.labels === undefined ? undefined : concatenate([b.labels, take(b.labels, perm, { axis: 0 })], { axis: 0 })
    return { ...b, boxes, ...(labels ? { labels } : {}) }
  }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), alpha: this.alpha, seed: this.seed } }
}

/** Boxes `[x0, x1) × [y0, y1)` of random size `ratio · side` and random position, per image (Keras `_compute_crop_bounds`). */
function cropBounds(n: number, length: number, ratio: Tensor, gen: SeedGenerator, dtype: DType): [Tensor, Tensor] {
  const cropLength = cast(multiply(ratio, length), dtype)
  const start = multiply(random.uniform([n], { minval: 0, maxval: 1, dtype, seed: gen }), subtract(length, cropLength))
  return [start, add(start, cropLength)]
}

/** The boolean box masks `[B, H, W, C]` (or channels-first) of corners `(x0, x1, y0, y1)`. */
function boxMasks(layer: BaseImagePreprocessingLayer & { dataFormat: string }, shape: readonly number[], box: Tensor[], dtype: DType, h: number, w: number): Tensor {
  const [gy, gx] = meshgrid(arange(0, h, 1, { dtype }), arange(0, w, 1, { dtype }), { indexing: 'ij' }) as [Tensor, Tensor]
  const cl = layer.dataFormat === 'channels_last'
  const g = (t: Tensor): Tensor => reshape(t, cl ? [1, h, w, 1] : [1, 1, h, w])
  const [x0, x1, y0, y1] = box.map(col) as [Tensor, Tensor, Tensor, Tensor]
  const m = logicalAnd(logicalAnd(greaterEqual(g(gx), x0), less(g(gx), x1)), logicalAnd(greaterEqual(g(gy), y0), less(g(gy), y1)))
  const cAxis = cl ? 3 : 1
  return repeat(m, shape[shape.length === 4 ? cAxis : cAxis - 1]!, { axis: cAxis })
}

/** Options of `CutMix`. */
export interface CutMixArgs extends ImageLayerArgs { readonly factor?: number | readonly [number, number] }

/**
 * CutMix (Keras `CutMix`): pastes a random box from another image of the batch; labels mix by the box area.
 *
 * @example
 * ```ts
 * new CutMix({ factor: 1, seed: 0 }).apply({ images, labels })
 * ```
 */
export class CutMix extends BaseImagePreprocessingLayer {
  static readonly className: string = 'CutMix'
  readonly factor: [number, number]
  constructor(args: CutMixArgs = {}) {
    super(args, true)
    this.factor = factorArg(args.factor ?? 1, [0, 1])
  }
  override getRandomTransformation(images: Tensor, training: boolean): unknown {
    if (!training || images.shape.length === 3) return null
    const s = images.shape as number[]
    const n = s[0]!
    const [h, w] = this.hw(s)
    const d = this.computeDtype
    const g = this.generator!
    const alpha = add(random.uniform([], { minval: this.factor[0], maxval: this.factor[1], dtype: d, seed: g }), 1e-6)
    const mix = tidy(() => random.beta([n], alpha, alpha, { seed: g, dtype: d }))
    const ratio = sqrt(subtract(1, mix))
    const [x0, x1] = cropBounds(n, w, ratio, g, d)
    const [y0, y1] = cropBounds(n, h, ratio, g, d)
    const masks = boxMasks(this, s, [x0, x1, y0, y1], d, h, w)
    const weight = subtract(1, divide(multiply(subtract(x1, x0), subtract(y1, y0)), w * h))
    const perm = random.shuffle(arange(0, n, 1, { dtype: 'int32' }), { seed: g })
    return { perm, masks, weight }
  }
  transformImages(images: Tensor, t: unknown, training: boolean): Tensor {
    let x = images
    if (training && t !== null) {
      const { perm, masks } = t as { perm: Tensor; masks: Tensor }
      x = cast(x, this.computeDtype)
      x = where(masks, take(x, perm, { axis: 0 }), x)
    }
    return cast(x, this.computeDtype)
  }
  override transformLabels(labels: Tensor, t: unknown, training: boolean): Tensor {
    if (!training || t === null) return labels
    const { perm, weight } = t as { perm: Tensor; weight: Tensor }
    const m = reshape(weight, [-1, 1])
    return add(multiply(m, labels), multiply(subtract(1, m), take(labels, perm, { axis: 0 })))
  }
  override transformSegmentationMasks(masks: Tensor, t: unknown, training: boolean): Tensor { return this.transformImages(masks, t, training) }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), factor: this.factor, seed: this.seed } }
}

/** Options of `RandomErasing`. */
export interface RandomErasingArgs extends ImageLayerArgs {
  readonly factor?: number | readonly [number, number]
  readonly scale?: number | readonly [number, number]
  readonly fillValue?: number | readonly [number, number, number] | null
  readonly valueRange?: readonly [number, number]
}

/**
 * Erases a random box of a random fraction of images during training (Keras `RandomErasing`),
 * filling it with `fillValue` or Gaussian noise scaled to the value range.
 *
 * @example
 * ```ts
 * new RandomErasing({ factor: 0.5, scale: [0.02, 0.33], seed: 0 }).apply(images)
 * ```
 */
export class RandomErasing extends BaseImagePreprocessingLayer {
  static readonly className: string = 'RandomErasing'
  readonly factor: [number, number]
  readonly scale: [number, number]
  readonly fillValue: number | number[] | null
  readonly valueRange: number[]
  constructor(args: RandomErasingArgs = {}) {
    super(args, true)
    this.factor = factorArg(args.factor ?? 1, [0, 1])
    this.scale = factorArg(args.scale ?? [0.02, 0.33], [0, 1], 'scale')
    this.fillValue = args.fillValue == null ? null : typeof args.fillValue === 'number' ? args.fillValue : [...args.fillValue]
    this.valueRange = [...(args.valueRange ?? [0, 255])]
  }
  override getRandomTransformation(images: Tensor, training: boolean): unknown {
    if (!training) return null
    const s = images.shape as number[]
    const n = this.batchOf(s)
    const [h, w] = this.hw(s)
    const d = this.computeDtype
    const g = this.generator!
    const mw = sqrt(random.uniform([n, 2], { minval: this.scale[0], maxval: this.scale[1], dtype: d, seed: g }))
    const c0 = reshape(take(mw, arange(0, 1, 1, { dtype: 'int32' }), { axis: 1 }), [n])
    const c1 = reshape(take(mw, arange(1, 2, 1, { dtype: 'int32' }), { axis: 1 }), [n])
    const [x0, x1] = cropBounds(n, w, c0, g, d)
    const [y0, y1] = cropBounds(n, h, c1, g, d)
    const shape4 = s.length === 3 ? [1, ...s] : s
    const masks = boxMasks(this, shape4, [x0, x1, y0, y1], d, h, w)
    const p = random.uniform([n], { minval: this.factor[0], maxval: this.factor[1], seed: g })
    const thr = random.uniform([n], { minval: 0, maxval: 1, seed: g })
    let fill: Tensor
    if (this.fillValue === null) fill = multiply(random.normal(s, { dtype: d, seed: g }), this.valueRange[1]!)
    else if (typeof this.fillValue === 'number') fill = multiply(ones(s, { dtype: d }), this.fillValue)
    else fill = add(full(s, 0, { dtype: d }), array(this.fillValue, { dtype: d }))
    fill = clip(fill, this.valueRange[0]!, this.valueRange[1]!)
    return { apply: less(thr, p), masks, fill }
  }
  transformImages(images: Tensor, t: unknown, training: boolean): Tensor {
    let x = cast(images, this.computeDtype)
    if (training && t !== null) {
      const { apply, masks, fill } = t as { apply: Tensor; masks: Tensor; fill: Tensor }
      const erased = where(masks, fill, x)
      x = where(col(apply), erased, x)
    }
    return cast(x, this.computeDtype)
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), factor: this.factor, scale: this.scale, fill_value: this.fillValue, value_range: this.valueRange, seed: this.seed }
  }
}

/** The augmentation sub-layers of RandAugment / AugMix, in Keras's order. */
function policyLayers(factor: [number, number], valueRange: [number, number], interpolation: 'nearest' | 'bilinear', seed: number | null, dataFormat: 'channels_last' | 'channels_first', all: boolean, boundingBoxFormat: string | null = null): Map<string, BaseImagePreprocessingLayer> {
  const common = { seed, dataFormat, boundingBoxFormat }
  const m = new Map<string, BaseImagePreprocessingLayer>([
    ['random_shear', new RandomShear({ xFactor: factor, yFactor: factor, interpolation, ...common })],
    ['random_translation', new RandomTranslation({ heightFactor: factor, widthFactor: factor, interpolation, ...common })],
    ['random_rotation', new RandomRotation({ factor, interpolation, ...common })],
  ])
  const post = new RandomPosterization({ factor: Math.max(1, Math.trunc(8 * factor[1])), valueRange, ...common })
  const sol = new Solarization({ additionFactor: factor, thresholdFactor: factor, valueRange, ...common })
  const ac = new AutoContrast({ valueRange, dataFormat, boundingBoxFormat })
  const eq = new Equalization({ valueRange, dataFormat, boundingBoxFormat })
  if (all) {
    m.set('random_brightness', new RandomBrightness({ factor, valueRange, ...common }))
    m.set('random_color_degeneration', new RandomColorDegeneration({ factor, valueRange, ...common }))
    m.set('random_contrast', new RandomContrast({ factor, valueRange, ...common }))
    m.set('random_sharpness', new RandomSharpness({ factor, valueRange, ...common }))
  }
  m.set('random_posterization', post).set('solarization', sol).set('auto_contrast', ac).set('equalization', eq)
  return m
}

/** Options of `RandAugment`. */
export interface RandAugmentArgs extends ImageLayerArgs {
  readonly valueRange?: readonly [number, number]
  readonly numOps?: number
  readonly factor?: number | readonly [number, number]
  readonly interpolation?: 'nearest' | 'bilinear'
}

const RAND_AUGMENT_ORDER = ['random_shear', 'random_translation', 'random_rotation', 'random_brightness', 'random_color_degeneration', 'random_contrast', 'random_sharpness', 'random_posterization', 'solarization', 'auto_contrast', 'equalization']

/**
 * RandAugment (Keras `RandAugment`): applies `numOps` operations chosen at random from 11 (shear,
 * translation, rotation, brightness, color degeneration, contrast, sharpness, posterization,
 * solarization, auto-contrast, equalization) with strength `factor`.
 *
 * @example
 * ```ts
 * new RandAugment({ valueRange: [0, 255], numOps: 2, factor: 0.5, seed: 0 }).apply(images)
 * ```
 */
export class RandAugment extends BaseImagePreprocessingLayer {
  static readonly className: string = 'RandAugment'
  readonly valueRange: number[]
  readonly numOps: number
  readonly factor: [number, number]
  readonly interpolation: 'nearest' | 'bilinear'
  private readonly ops: Map<string, BaseImagePreprocessingLayer>
  constructor(args: RandAugmentArgs = {}) {
    super(args, true)
    this.valueRange = [...(args.valueRange ?? [0, 255])]
    this.numOps = args.numOps ?? 2
    this.factor = factorArg(args.factor ?? 0.5, [0, 1])
    this.interpolation = args.interpolation ?? 'bilinear'
    const all = policyLayers(this.factor, this.valueRange as [number, number], this.interpolation, this.seed, this.dataFormat, true, this.boundingBoxFormat)
    this.ops = new Map(RAND_AUGMENT_ORDER.map((k) => [k, all.get(k)!]))
  }
  override getRandomTransformation(images: Tensor, training: boolean): unknown {
    if (!training) return null
    const drawn = random.randint([this.numOps], 0, this.ops.size, { seed: this.generator! })
    // NOTE: Keras evaluates every op and selects with where(); applying only the chosen ones gives the same values,
    // so backends that read synchronously pick them on the host, the others (WebGPU) select on the device.
    const idx = drawn.backend.capabilities.syncRead ? Array.from(drawn.dataSync() as ArrayLike<number>, Number) : drawn
    const transforms = new Map<string, unknown>()
    for (const [k, layer] of this.ops) transforms.set(k, withGenerator(layer, this.generator, () => layer.getRandomTransformation(images, training)))
    return { idx, transforms }
  }
  transformImages(images: Tensor, t: unknown, training: boolean): Tensor {
    let x = cast(images, this.computeDtype)
    if (training && t !== null) {
      const { idx, transforms } = t as { idx: number[] | Tensor; transforms: Map<string, unknown> }
      const keys = [...this.ops.keys()]
      const run = (k: string, y: Tensor): Tensor => cast(this.ops.get(k)!.transformImages(y, transforms.get(k), true), this.computeDtype)
      if (Array.isArray(idx)) for (const i of idx) x = run(keys[i]!, x)
      else {
        for (let j = 0; j < this.numOps; j++) {
          const pick = take(idx, j)
          const before = x
          keys.forEach((k, i) => { x = where(equal(pick, i), run(k, before), x) })
        }
      }
    }
    return cast(x, this.computeDtype)
  }
  /** Applies, in the ops' order, each drawn op's box transform once (Keras selects every op with where()). */
  override transformBoundingBoxes(b: BoundingBoxes, t: unknown, training: boolean, imageShape: readonly number[]): BoundingBoxes {
    if (!training || t === null) return b
    const { idx, transforms } = t as { idx: number[] | Tensor; transforms: Map<string, unknown> }
    let out = b
    let i = 0
    for (const [k, layer] of this.ops) {
      const chosen = Array.isArray(idx) ? idx.includes(i) : any(equal(idx, i))
      i++
      if (chosen === false) continue
      const moved = layer.transformBoundingBoxes(out, transforms.get(k), true, imageShape)
      const pick = (a: Tensor | undefined, b: Tensor | undefined): Tensor | undefined => (a && b ? where(chosen as Tensor, a, b) : a)
      out = chosen === true ? moved : { ...moved, boxes: where(chosen, moved.boxes, out.boxes), ...(moved.labels ? { labels: pick(moved.labels, out.labels)! } : {}) }
    }
    return out
  }
  /** The sub-layers (not tracked as weights-bearing children: they have none). */
  get augmentationLayers(): Layer[] { return [...this.ops.values()] }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), value_range: this.valueRange, num_ops: this.numOps, factor: this.factor, interpolation: this.interpolation, seed: this.seed }
  }
}

/** Options of `AugMix`. */
export interface AugMixArgs extends ImageLayerArgs {
  readonly valueRange?: readonly [number, number]
  readonly numChains?: number
  readonly chainDepth?: number
  readonly factor?: number | readonly [number, number]
  readonly alpha?: number
  readonly allOps?: boolean
  readonly interpolation?: 'nearest' | 'bilinear'
}

/**
 * AugMix (Keras `AugMix`): mixes `numChains` chains of up to `chainDepth` random operations with
 * Dirichlet weights, then blends with the original by a Beta(α, α) weight. NOTE: Keras picks each
 * chain's operations with Python's `random.choice`; kx picks them with `hostRandom` (repeatable after
 * `setRandomSeed`), so the layer's generator advances exactly as Keras's and the weights of a seed are
 * Keras's, but the chains differ.
 *
 * @example
 * ```ts
 * new AugMix({ valueRange: [0, 255], seed: 0 }).apply(images)
 * ```
 */
export class AugMix extends BaseImagePreprocessingLayer {
  static readonly className: string = 'AugMix'
  readonly valueRange: number[]
  readonly numChains: number
  readonly chainDepth: number
  readonly factor: [number, number]
  readonly alpha: number
  readonly allOps: boolean
  readonly interpolation: 'nearest' | 'bilinear'
  private readonly ops: Map<string, BaseImagePreprocessingLayer>
  constructor(args: AugMixArgs = {}) {
    super(args, true)
    this.valueRange = [...(args.valueRange ?? [0, 255])]
    this.numChains = args.numChains ?? 3
    this.chainDepth = args.chainDepth ?? 3
    this.factor = factorArg(args.factor ?? 0.3, [0, 1])
    this.alpha = args.alpha ?? 1
    this.allOps = args.allOps ?? true
    this.interpolation = args.interpolation ?? 'bilinear'
    this.ops = policyLayers(this.factor, this.valueRange as [number, number], this.interpolation, this.seed, this.dataFormat, this.allOps)
  }
  override getRandomTransformation(images: Tensor, training: boolean): unknown {
    if (!training) return null
    const g = this.generator!
    const gam = tidy(() => random.gamma([this.numChains], this.alpha, { seed: g }))
    const weights = divide(gam, sum(gam, { axis: -1, keepdims: true }))
    const ws = tidy(() => random.beta([], this.alpha, this.alpha, { seed: g }))
    const keys = [...this.ops.keys()]
    const chains: { key: string; t: unknown }[][] = []
    for (let c = 0; c < this.numChains; c++) {
      const chain: { key: string; t: unknown }[] = []
      for (let depth = 0; depth < this.chainDepth; depth++) {
        // one of the ops or none (Python's random.choice(ops + [None])); the generator is not used
        const p = Math.min(Math.floor(hostRandom() * (keys.length + 1)), keys.length)
        if (p === keys.length) continue
        const layer = this.ops.get(keys[p]!)!
        chain.push({ key: keys[p]!, t: withGenerator(layer, g, () => layer.getRandomTransformation(images, true)) })
      }
      chains.push(chain)
    }
    return { weights, ws, chains }
  }
  transformImages(images: Tensor, t: unknown, training: boolean): Tensor {
    let x = cast(images, this.computeDtype)
    if (training && t !== null) {
      const { weights, ws, chains } = t as { weights: Tensor; ws: Tensor; chains: { key: string; t: unknown }[][] }
      const w = cast(weights, this.computeDtype)
      let aug = zerosLike(x)
      chains.forEach((chain, i) => {
        let y = x
        for (const step of chain) y = this.ops.get(step.key)!.transformImages(y, step.t, true)
        aug = add(aug, multiply(cast(y, this.computeDtype), take(w, equalIndex(i))))
      })
      const wsT = cast(ws, this.computeDtype)
      x = clip(add(multiply(wsT, x), multiply(subtract(1, wsT), aug)), this.valueRange[0]!, this.valueRange[1]!)
    }
    return cast(x, this.computeDtype)
  }
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(), value_range: this.valueRange, num_chains: this.numChains, chain_depth: this.chainDepth, factor: this.factor,
      alpha: this.alpha, all_ops: this.allOps, interpolation: this.interpolation, seed: this.seed,
    }
  }
}

const equalIndex = (i: number): Tensor => fullLike(arange(0, 1, 1, { dtype: 'int32' }), i)
