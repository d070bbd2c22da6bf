/**
 * @file The layer test harness (kx's counterpart of Keras's `run_layer_test`): one call checks a
 * layer's config round trips, build and weight counts, static and symbolic output shapes, an eager
 * call (shape, dtype, optional expected values), masking support, a training step and mixed
 * precision — on the reference backend in this package, and on every other backend through the
 * backends' `layers` vitest projects, whose setup file selects the backend and calls
 * `configureLayerHarness` (float32 tolerances, typed known gaps).
 *
 * @example
 * ```ts
 * await runLayerTest(Dense, {
 *   init: { units: 4 },
 *   inputShape: [2, 3],
 *   expectedOutputShape: [2, 4],
 *   expectedTrainableWeights: 2,
 * })
 * ```
 */
import { afterEach, beforeEach, expect } from 'vitest'
import {
  KerasTensor, Tensor, getBackend, isFloat, isBool, lax, tensor, tidy, valueAndGrad, full, type DType, type Dim, type NestedArray,
} from '@kx/core'
import { Layer, serializeLayer, deserializeLayer, type CallOptions, type CustomObjects } from '../src/index.js'
import { checkSavingRoundTrip } from './harness-saving.js'

/** A layer test that does not pass on a backend yet, and why (the harness fails the gap once it passes). */
export interface LayerKnownGap {
  /** The layer class name (`Conv3DTranspose`). */
  readonly layer: string
  /** Restricts the gap to tests whose full name contains this text. */
  readonly test?: string
  readonly reason: string
  /** The failure depends on random draws (e.g. which augmentations AugMix picks): a passing run is not flagged as stale. */
  readonly mayPass?: boolean
}

/** How the harness runs on a backend other than `reference` (set by a backend package's setup file). */
export interface LayerHarnessBackend {
  /** The backend's name, for messages. */
  readonly backend: string
  /** Absolute + relative tolerance floor for value comparisons (float32 engines; default 1e-4). */
  readonly tolerance?: number
  readonly knownGaps?: readonly LayerKnownGap[]
  /** Run the saving round trip in each harness call (default false: it checks file formats, not the backend). */
  readonly runSavingCheck?: boolean
  /** Tests skipped on this backend by design (e.g. float64 finite differences on a float32 engine): full-name substring and why. */
  readonly skipTests?: readonly { readonly test: string; readonly reason: string }[]
}

const HARNESS_KEY = Symbol.for('kx.layers.harnessBackend')
/** Known gaps matched in the current test, and whether any of their harness calls failed. */
const gapOutcomes = new Map<LayerKnownGap, boolean>()

/** Called by a backend's layers-project setup file, after it selected the backend; installs the skips. */
export function configureLayerHarness(config: LayerHarnessBackend): void {
  (globalThis as Record<symbol, unknown>)[HARNESS_KEY] = config
  // A gap must still fail somewhere in its test: one that passes in every harness call is stale.
  afterEach(() => {
    const stale = [...gapOutcomes].filter(([g, failed]) => !failed && !g.mayPass).map(([g]) => `${g.layer} (${g.reason})`)
    gapOutcomes.clear()
    if (stale.length) throw new Error(`Listed as known gaps on ${config.backend}, but their checks pass: ${stale.join('; ')}. Remove them from the list.`)
  })
  beforeEach((ctx) => {
    gapOutcomes.clear()
    const name = ctx.task.fullName ?? ctx.task.name
    const skip = config.skipTests?.find((s) => name.includes(s.test))
    if (skip) {
      console.warn(`[layer harness] skipped on ${config.backend}: "${name}" (${skip.reason})`)
      ctx.skip()
    }
  })
}

/** The backend configuration of this run, or undefined on `reference`. */
export function layerHarnessBackend(): LayerHarnessBackend | undefined {
  return (globalThis as Record<symbol, unknown>)[HARNESS_KEY] as LayerHarnessBackend | undefined
}

/** A comparison tolerance, raised to the backend's float32 floor off `reference`. */
export function harnessTolerance(tol: number): number {
  const b = layerHarnessBackend()
  return b ? Math.max(tol, b.tolerance ?? 1e-4) : tol
}

/** A layer class the harness can construct from init args and rebuild from a config. */
export interface LayerClass<A> {
  new (args: A): Layer
  fromConfig(config: Record<string, unknown>): Layer
}

/** What `runLayerTest` checks; every field except `init` and an input is optional. */
export interface LayerTestOptions<A> {
  /** Constructor options (camelCased Keras arguments). */
  readonly init: A
  /** Concrete input shape (batch included), or a list of shapes for multi-input layers. */
  readonly inputShape?: readonly number[] | readonly (readonly number[])[]
  /** Input dtype(s) (default float32). Integer inputs are drawn in [0, `intHigh`). */
  readonly inputDtype?: DType | readonly DType[]
  /** Exclusive upper bound of generated integer inputs (default 10). */
  readonly intHigh?: number
  /** Explicit input data instead of generated inputs. */
  readonly inputData?: Tensor | readonly Tensor[]
  /** Extra options passed to every call (e.g. `{ reverse: true }`). */
  readonly callOptions?: CallOptions
  /** Expected concrete output shape (or shapes). */
  readonly expectedOutputShape?: readonly Dim[] | readonly (readonly Dim[])[]
  /** Expected output dtype (default: the layer's compute dtype for float outputs). */
  readonly expectedOutputDtype?: DType
  /** Expected output values (compared with `tolerance`). */
  readonly expectedOutputData?: NestedArray
  readonly tolerance?: number
  readonly expectedTrainableWeights?: number
  readonly expectedNonTrainableWeights?: number
  /** Expected number of losses after one eager call (activity/weight regularizers). */
  readonly expectedLosses?: number
  /** Expected `supportsMasking`; when true, a call with an all-true mask must work. */
  readonly supportsMasking?: boolean
  /** Run the training-step check (default: when the layer has trainable weights). */
  readonly runTrainingCheck?: boolean
  /** Run the mixed_float16 check (default true). */
  readonly runMixedPrecisionCheck?: boolean
  /** Check symbolic calls with a null batch dim (default true). */
  readonly runSymbolicCheck?: boolean
  /** Expect the layer to be built right after construction (weightless layers built at init). */
  readonly assertBuiltAfterInstantiation?: boolean
  readonly customObjects?: CustomObjects
}

const isShapeList = (s: unknown): s is readonly (readonly number[])[] => Array.isArray(s) && Array.isArray(s[0])

/** Deterministic pseudo-random inputs (a fixed LCG), so failures reproduce. */
export function makeInput(shape: readonly number[], dtype: DType = 'float32', seed = 1, intHigh = 10): Tensor {
  const n = shape.reduce((a, d) => a * d, 1)
  let s = seed >>> 0 || 1
  const next = (): number => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32 }
  const values = Array.from({ length: n }, () => (isFloat(dtype) ? next() * 2 - 1 : isBool(dtype) ? next() > 0.3 : Math.floor(next() * intHigh)))
  return tensor(values as number[], { shape: [...shape], dtype })
}

function inputsFor<A>(o: LayerTestOptions<A>): Tensor | Tensor[] {
  if (o.inputData) return Array.isArray(o.inputData) ? [...o.inputData] : (o.inputData as Tensor)
  if (!o.inputShape) throw new Error('runLayerTest needs inputShape or inputData')
  const dtypes = o.inputDtype
  if (isShapeList(o.inputShape)) {
    return o.inputShape.map((s, i) => makeInput(s, (Array.isArray(dtypes) ? dtypes[i] : dtypes) ?? 'float32', i + 1, o.intHigh))
  }
  return makeInput(o.inputShape as number[], (Array.isArray(dtypes) ? dtypes[0] : dtypes) ?? 'float32', 1, o.intHigh)
}

const flat = (v: unknown): Tensor[] => (Array.isArray(v) ? (v as Tensor[]) : [v as Tensor])
const shapeOf = (x: Tensor | Tensor[]): unknown => (Array.isArray(x) ? x.map((t) => t.shape.slice()) : x.shape.slice())
const symbolicOf = (x: Tensor | Tensor[]): KerasTensor | KerasTensor[] => {
  const one = (t: Tensor): KerasTensor => new KerasTensor([null, ...t.shape.slice(1)], t.dtype)
  return Array.isArray(x) ? x.map(one) : one(x)
}
const withNullBatch = (s: readonly Dim[]): Dim[] => [null, ...s.slice(1)]

/** JSON-comparable config (drops `undefined`). */
const json = (c: unknown): unknown => JSON.parse(JSON.stringify(c))

/** Expects every element of a float tensor to be finite. */
export async function expectFinite(t: Tensor, what: string): Promise<void> {
  const data = await t.data()
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(Number(data[i]))) throw new Error(`${what}: non-finite value ${data[i]} at flat index ${i}`)
}

/** Flattens nested arrays to numbers. */
export function flatNumbers(v: NestedArray): number[] {
  return Array.isArray(v) ? v.flatMap((x) => flatNumbers(x as NestedArray)) : [Number(v)]
}

/** Expects `actual` ≈ `expected` elementwise (absolute + relative tolerance). */
export function expectClose(actual: NestedArray, expected: NestedArray, tolerance = 1e-5, what = 'values'): void {
  const tol = harnessTolerance(tolerance)
  const a = flatNumbers(actual)
  const e = flatNumbers(expected)
  expect(a.length, `${what}: length`).toBe(e.length)
  for (let i = 0; i < a.length; i++) {
    const ok = Math.abs(a[i]! - e[i]!) <= tol + tol * Math.abs(e[i]!) || (Number.isNaN(a[i]) && Number.isNaN(e[i]))
    if (!ok) throw new Error(`${what}: index ${i}: got ${a[i]}, expected ${e[i]} (tol ${tol})`)
  }
}

/** Expects a (nested) static shape to match `actual`, where a static `null` matches any size. */
export function expectCompatible(staticShape: unknown, actual: unknown, what: string): void {
  const ok = (s: unknown, a: unknown): boolean => {
    if (!Array.isArray(s) || !Array.isArray(a) || s.length !== a.length) return false
    return s.every((d, i) => (Array.isArray(d) ? ok(d, a[i]) : d === null || d === a[i]))
  }
  if (!ok(staticShape, actual)) expect(staticShape, what).toEqual(actual)
}

/** The scalar float32 mean of all float outputs (the training check's loss). */
function meanOf(outs: Tensor[]): Tensor {
  let total: Tensor | null = null
  for (const o of outs) {
    if (!isFloat(o.dtype)) continue
    const f = lax.convertElementType(o, 'float32')
    const s = lax.div(lax.reduceSum(f, f.shape.map((_, i) => i)), full([], Math.max(f.size, 1), 'float32', f.backend))
    total = total ? lax.add(total, s) : s
  }
  return total ?? full([], 0, 'float32')
}

/**
 * Runs the standard layer checks and throws (through vitest's `expect`) on the first failure.
 * `LayerCls` must be registered (built-ins are) or passed in `customObjects` for the JSON round trip.
 */
export async function runLayerTest<A>(LayerCls: LayerClass<A>, o: LayerTestOptions<A>): Promise<void> {
  const backend = layerHarnessBackend()
  const testName = expect.getState().currentTestName ?? ''
  const gap = backend?.knownGaps?.find((g) => g.layer === LayerCls.name && (g.test === undefined || testName.includes(g.test)))
  if (!gap) return runLayerChecks(LayerCls, o)
  gapOutcomes.set(gap, gapOutcomes.get(gap) ?? false)
  try {
    await runLayerChecks(LayerCls, o)
  } catch (e) {
    gapOutcomes.set(gap, true)
    console.warn(`[layer harness] known gap on ${backend!.backend}: ${LayerCls.name} (${gap.reason}): ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`)
  }
}

async function runLayerChecks<A>(LayerCls: LayerClass<A>, o: LayerTestOptions<A>): Promise<void> {
  const backend = layerHarnessBackend()
  const tol = o.tolerance ?? 1e-5
  const callOpts = o.callOptions ?? {}

  // 1. Config round trips: getConfig → fromConfig, and serializeLayer → JSON → deserializeLayer.
  const layer0 = new LayerCls(o.init)
  if (o.assertBuiltAfterInstantiation) expect(layer0.built, 'built after instantiation').toBe(true)
  const config = json(layer0.getConfig()) as Record<string, unknown>
  const revived = LayerCls.fromConfig(json(config) as Record<string, unknown>)
  expect(json(revived.getConfig()), 'getConfig → fromConfig → getConfig').toEqual(config)
  const env = json(serializeLayer(layer0))
  const fromJson = deserializeLayer(env, o.customObjects)
  expect(fromJson).toBeInstanceOf(LayerCls)
  expect(json(fromJson.getConfig()), 'JSON round trip config').toEqual(config)

  // 2. Eager call: build, weights, output shape/dtype/values, losses.
  const layer = new LayerCls(o.init)
  const x = inputsFor(o)
  const y = layer.apply(x, callOpts) as Tensor | Tensor[]
  expect(layer.built, 'built after the first call').toBe(true)
  if (o.expectedOutputShape) expect(shapeOf(y), 'eager output shape').toEqual(o.expectedOutputShape)
  const outs = flat(y)
  // Read the outputs of async-only engines (WebGPU): a whole test's unread dispatches would pile up in their queue.
  await Promise.all(outs.filter((t) => t instanceof Tensor && !t.isSymbolic && !t.backend.capabilities.syncRead).map((t) => t.data()))
  if (o.expectedOutputDtype) for (const t of outs) expect(t.dtype, 'output dtype').toBe(o.expectedOutputDtype)
  if (o.expectedOutputData !== undefined) expectClose(await (outs.length === 1 ? outs[0]! : outs[0]!).array(), o.expectedOutputData, tol, 'output')
  if (o.expectedTrainableWeights !== undefined) expect(layer.trainableWeights.length, 'trainable weights').toBe(o.expectedTrainableWeights)
  if (o.expectedNonTrainableWeights !== undefined) expect(layer.nonTrainableWeights.length, 'non-trainable weights').toBe(o.expectedNonTrainableWeights)
  if (o.expectedLosses !== undefined) expect(layer.losses.length, 'losses').toBe(o.expectedLosses)
  // compute_output_shape agrees with the eager call.
  // compute_output_shape agrees with the eager call (a static null may stand for a known size).
  expectCompatible(layer.computeOutputShape(shapeOf(x) as never), shapeOf(y), 'computeOutputShape')

  // 3. Symbolic call with an unknown batch dim.
  if (o.runSymbolicCheck ?? true) {
    const ks = symbolicOf(x)
    const fresh = new LayerCls(o.init)
    const sy = fresh.apply(ks, callOpts) as KerasTensor | KerasTensor[]
    const expected = Array.isArray(y) ? y.map((t) => withNullBatch(t.shape)) : withNullBatch((y as Tensor).shape)
    const got = Array.isArray(sy) ? sy.map((t) => t.symbolicShape.slice()) : (sy as KerasTensor).symbolicShape.slice()
    expect(got, 'symbolic output shape').toEqual(expected)
    for (const [i, t] of flat(sy).entries()) expect(t.dtype, 'symbolic dtype').toBe(outs[i]!.dtype)
    expectCompatible(fresh.computeOutputShape(shapeOf(ks as Tensor | Tensor[]) as never), expected, 'computeOutputShape (null batch)')
  }

  // 4. Built-layer JSON round trip keeps the build (same weight shapes).
  const builtEnv = json(serializeLayer(layer))
  const rebuilt = deserializeLayer(builtEnv, o.customObjects)
  if (layer.weights.length) {
    expect(rebuilt.built, 'rebuilt from build_config').toBe(true)
    expect(rebuilt.weights.map((w) => w.shape), 'rebuilt weight shapes').toEqual(layer.weights.map((w) => w.shape))
  }

  // 5. Masking.
  if (o.supportsMasking !== undefined) {
    expect(layer.supportsMasking, 'supportsMasking').toBe(o.supportsMasking)
    if (o.supportsMasking) {
      const masks = flat(x).map((t) => full(t.shape.slice(0, Math.min(2, t.shape.length)), true, 'bool'))
      const masked = layer.apply(x, { ...callOpts, mask: Array.isArray(x) ? masks : masks[0] }) as Tensor | Tensor[]
      expect(shapeOf(masked), 'masked call shape').toEqual(shapeOf(y))
    }
  }

  // Saving sweep (harness-saving.ts, issue #12): every format that can express the layer reloads it to identical outputs and configs.
  // Off `reference` only when asked: the sweep checks file formats, which do not depend on the backend.
  if (!backend || backend.runSavingCheck) await checkSavingRoundTrip(layer, x, y, callOpts)

  // 6. Training step: grads of mean(output) + losses over trainable weights are finite; an SGD step changes the loss.
  const trainable = layer.trainableWeights
  if ((o.runTrainingCheck ?? trainable.length > 0) && trainable.length > 0) {
    const lossFn = (): Tensor => {
      layer.clearLosses()
      const out = flat(layer.apply(x, { ...callOpts, training: true }))
      let loss = meanOf(out)
      for (const l of layer.losses) loss = lax.add(loss, lax.convertElementType(l, 'float32'))
      return loss
    }
    const vg = valueAndGrad((ws: typeof trainable) => { void ws; return lossFn() })
    const [loss0, g] = vg(trainable) as [Tensor, Tensor[]]
    let anyNonZero = false
    for (const [i, gi] of g.entries()) {
      await expectFinite(gi, `gradient of ${trainable[i]!.path}`)
      if (flatNumbers(await gi.array()).some((v) => v !== 0)) anyNonZero = true
    }
    if (anyNonZero) {
      tidy(() => { trainable.forEach((w, i) => w.assign(lax.sub(w.rawValue, lax.mul(g[i]!, full(g[i]!.shape, 0.1, g[i]!.dtype))))) })
      const loss1 = lossFn()
      expect(Number((await loss1.data())[0]), 'loss after an SGD step').not.toBe(Number((await loss0.data())[0]))
    }
  }

  // 7. Mixed precision: float16 compute, float32 variables (where the backend has float16).
  if ((o.runMixedPrecisionCheck ?? true) && getBackend().capabilities.dtypes.has('float16')) {
    const mp = new LayerCls({ ...(o.init as object), dtype: 'mixed_float16' } as A)
    const my = flat(mp.apply(x, callOpts))
    for (const w of mp.weights) if (isFloat(w.dtype)) expect(w.dtype, `variable ${w.path} under mixed_float16`).toBe('float32')
    for (const [i, t] of my.entries()) if (isFloat(outs[i]!.dtype)) expect(t.dtype, 'output dtype under mixed_float16').toBe('float16')
  }
}
