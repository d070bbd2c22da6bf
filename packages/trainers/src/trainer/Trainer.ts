/**
 * @file The training loop behind `Model.compile/fit/evaluate/predict` (installed through the
 * trainer plugin registry of @kx/layers). One train step = forward, loss (+ regularization),
 * gradients by core autodiff, optimizer update, metric updates — all inside a memory scope.
 */
import { InvalidArgumentError, Tensor, Variable, fmt, tidy, valueAndGrad, jit, getBackend, treeFlatten, treeUnflatten, tensor, allocTyped, type TreeDef } from '@kx/core'
import * as ops from '@kx/ops-numpy'
import type { Model, TrainerPlugin } from '@kx/layers'
import { CompileLoss, CompileMetrics, Mean } from './compileUtils.js'
import { ArrayDataset, isBatchSource, permutation, streamBatches, structureToHost, type Batch } from './data.js'
import { Callback, CallbackList, History, type Logs } from '../callbacks/Callback.js'
import { ProgbarLogger } from '../callbacks/ProgbarLogger.js'
import { getOptimizer, type Optimizer } from '../optimizers/index.js'

const isTensor = (v: unknown): v is Tensor => v instanceof Tensor

/** What compile() stores on the model. */
interface CompiledState {
  optimizer: Optimizer
  loss: CompileLoss
  metrics: CompileMetrics
  lossTracker: Mean
  options: Record<string, unknown>
  jitTrainStep?: (x: unknown, y: unknown, sw: unknown, size: number) => void
  jitTestStep?: (x: unknown, y: unknown, sw: unknown, size: number) => void
}

function stateOf(model: Model, method: string): CompiledState {
  const s = model.trainerState['compiled'] as CompiledState | undefined
  if (!s) throw new InvalidArgumentError(`You must call \`compile()\` before \`${method}()\` on model "${model.name}".`)
  return s
}

const COMPILE_KEYS = new Set(['optimizer', 'loss', 'metrics', 'weightedMetrics', 'lossWeights', 'runEagerly', 'jitCompile', 'stepsPerExecution', 'autoScaleLossForMixedPrecision'])
const FIT_KEYS = new Set(['batchSize', 'epochs', 'verbose', 'callbacks', 'validationSplit', 'validationData', 'shuffle', 'classWeight', 'sampleWeight', 'initialEpoch', 'stepsPerEpoch', 'validationSteps', 'validationBatchSize', 'validationFreq'])

function checkKeys(options: Record<string, unknown>, allowed: Set<string>, method: string): void {
  for (const k of Object.keys(options)) {
    if (!allowed.has(k)) throw new InvalidArgumentError(`Unknown option for \`${method}\`. Allowed options: ${[...allowed].join(', ')}. Received: ${k}=${fmt(options[k])}`)
  }
}

function compile(model: Model, options: Record<string, unknown>): void {
  checkKeys(options, COMPILE_KEYS, 'compile')
  const optimizer = getOptimizer((options['optimizer'] ?? 'rmsprop') as never)
  model.trainerState['compiled'] = {
    optimizer,
    loss: new CompileLoss(options['loss'], options['lossWeights']),
    metrics: new CompileMetrics(options['metrics'], options['weightedMetrics'], options['loss']),
    lossTracker: new Mean({ name: 'loss' }),
    options,
  } satisfies CompiledState
  model.compiled = options
}

/** Applies class weights (dict class index → weight) to integer or one-hot targets as sample weights. */
function classSampleWeights(y: unknown, classWeight: Record<string, number>): Tensor {
  const [ys] = treeFlatten(y, isTensor)
  if (ys.length !== 1) throw new InvalidArgumentError('`classWeight` is only supported for models with a single output.')
  const t = ys[0]!
  const idx = t.shape.length > 1 && t.shape[t.shape.length - 1]! > 1 ? ops.argmax(t, { axis: -1 }) : ops.reshape(ops.cast(t, 'int32'), [t.shape[0]!])
  const max = Math.max(...Object.keys(classWeight).map(Number))
  const table = new Float32Array(max + 1).fill(1)
  for (const [k, v] of Object.entries(classWeight)) table[Number(k)] = v
  return ops.take(tensor(table), idx)
}

/** The train step proper: forward, loss (+ regularization), gradients, update, metrics. */
function trainStepBody(model: Model, s: CompiledState, x: unknown, y: unknown, sw: unknown, size: number): void {
  const vars = model.trainableWeights
  const lossFn = (_v: Variable[]): [Tensor, unknown] => {
    model.clearLosses()
    const yPred = model.apply(x, { training: true })
    let loss = s.loss.apply(model, y, yPred, sw)
    const reg = model.losses
    if (reg.length) loss = ops.add(loss, ops.sum(ops.stack(reg.map((r) => ops.sum(r)))))
    return [loss, yPred]
  }
  let loss: Tensor
  let yPred: unknown
  if (vars.length === 0) {
    ;[loss, yPred] = lossFn([])
  } else {
    const [value, grads] = valueAndGrad(lossFn, { hasAux: true })(vars) as [[Tensor, unknown], Tensor[]]
    ;[loss, yPred] = value
    s.optimizer.applyGradients(grads.map((g, i) => [g, vars[i]!] as [Tensor, Variable]))
  }
  s.lossTracker.updateState(loss, size)
  if (!s.metrics.built) s.metrics.build(model, y, yPred)
  s.metrics.updateState(y, yPred, sw)
}

/** Whether steps run as one compiled graph: `jitCompile` true, or 'auto' (default) on graph backends. */
function wantsJit(s: CompiledState): boolean {
  const opt = s.options['jitCompile'] ?? 'auto'
  if (opt === false || s.options['runEagerly'] === true) return false
  return opt === true || getBackend().capabilities.compilesGraphs
}

function trainStep(model: Model, s: CompiledState, batch: Batch, classWeight?: Record<string, number>): void {
  let sw = batch.sampleWeight
  tidy(() => {
    if (classWeight && sw === undefined) sw = classSampleWeights(batch.y, classWeight)
    // NOTE: the first step runs eagerly so optimizer slots and metric state exist before tracing.
    if (s.jitTrainStep) s.jitTrainStep(batch.x, batch.y, sw ?? null, batch.size)
    else trainStepBody(model, s, batch.x, batch.y, sw, batch.size)
  })
  if (!s.jitTrainStep && wantsJit(s)) {
    s.jitTrainStep = jit((x: unknown, y: unknown, w: unknown, size: number) => { trainStepBody(model, s, x, y, w ?? undefined, size) })
  }
}

function testStepBody(model: Model, s: CompiledState, x: unknown, y: unknown, sw: unknown, size: number): void {
  model.clearLosses()
  const yPred = model.apply(x, { training: false })
  let loss = s.loss.apply(model, y, yPred, sw)
  const reg = model.losses
  if (reg.length) loss = ops.add(loss, ops.sum(ops.stack(reg.map((r) => ops.sum(r)))))
  s.lossTracker.updateState(loss, size)
  if (!s.metrics.built) s.metrics.build(model, y, yPred)
  s.metrics.updateState(y, yPred, sw)
}

function testStep(model: Model, s: CompiledState, batch: Batch): void {
  tidy(() => {
    if (s.jitTestStep) s.jitTestStep(batch.x, batch.y, batch.sampleWeight ?? null, batch.size)
    else testStepBody(model, s, batch.x, batch.y, batch.sampleWeight, batch.size)
  })
  // NOTE: as for training, the first step runs eagerly so metric state exists before tracing.
  if (!s.jitTestStep && wantsJit(s)) {
    s.jitTestStep = jit((x: unknown, y: unknown, w: unknown, size: number) => { testStepBody(model, s, x, y, w ?? undefined, size) })
  }
}

/** The predict step, jitted on graph backends (one compiled call per batch shape). */
function predictStep(model: Model): (x: unknown) => unknown {
  const state = model.trainerState
  if (!getBackend().capabilities.compilesGraphs || state['runEagerly'] === true) return (x) => model.apply(x, { training: false })
  let step = state['jitPredictStep'] as ((x: unknown) => unknown) | undefined
  if (!step) {
    step = jit((x: unknown) => model.apply(x, { training: false }))
    state['jitPredictStep'] = step
  }
  return step
}

/** Reads the current metric values (Keras's logs): loss first, then compiled metrics. */
async function readLogs(s: CompiledState, prefix = ''): Promise<Logs> {
  const logs: Logs = {}
  const entries = tidy(() => [['loss', s.lossTracker.result()], ...(s.metrics.metrics ?? []).map(({ metric }) => [metric.name, metric.result()])]
    .map(([n, t]) => [n, t as Tensor] as [string, Tensor]))
  const ts = entries.map(([, t]) => t)
  // NOTE: one device read for all scalar float32 results (each read is a full GPU round trip on async
  // backends); anything else (other dtypes, non-scalars, mixed backends) is read one by one.
  if (ts.length > 1 && ts.every((t) => t.shape.length === 0 && t.dtype === 'float32' && !t.isSymbolic && t.backend === ts[0]!.backend)) {
    const all = tidy(() => ops.stack(ts))
    const d = await all.data()
    all.dispose()
    entries.forEach(([name, t], i) => { logs[`${prefix}${name}`] = Number(d[i]); t.dispose() })
    return logs
  }
  for (const [name, t] of entries) {
    const d = await t.data()
    logs[`${prefix}${name}`] = Number(d[0])
    t.dispose()
  }
  return logs
}

/**
 * `x`, `y`, `sampleWeight` as one batch without a host round trip, when every leaf is a concrete tensor on
 * the active backend with the same leading dimension; undefined otherwise (the host path then validates).
 */
function deviceBatch(x: unknown, y: unknown, sampleWeight: unknown): Batch | undefined {
  const backend = getBackend()
  let size: number | undefined
  for (const v of [x, y, sampleWeight]) {
    if (v === undefined || v === null) continue
    let leaves: unknown[]
    // NOTE: host data (numbers, typed arrays) is not a tree of tensors: treeFlatten rejects it.
    try { leaves = treeFlatten(v, isTensor)[0] } catch { return undefined }
    if (leaves.length === 0) return undefined
    for (const t of leaves) {
      if (!isTensor(t) || t.isSymbolic || t.backend !== backend || t.shape.length === 0) return undefined
      if (size === undefined) size = t.shape[0]!
      else if (t.shape[0] !== size) return undefined
    }
  }
  return size === undefined || size === 0 ? undefined : { x, y: y ?? undefined, sampleWeight: sampleWeight ?? undefined, size }
}

function resetMetrics(s: CompiledState): void {
  s.lossTracker.resetState()
  s.metrics.resetState()
}

async function makeDataset(x: unknown, y: unknown, sampleWeight: unknown, where: string): Promise<ArrayDataset> {
  const xs = await structureToHost(x, where)
  if (!xs) throw new InvalidArgumentError(`\`${where}\` needs input data \`x\`. Received: x=None`)
  return new ArrayDataset(xs, await structureToHost(y, where), await structureToHost(sampleWeight, where))
}

async function fit(model: Model, x: unknown, y?: unknown, options: Record<string, unknown> = {}): Promise<History> {
  checkKeys(options, FIT_KEYS, 'fit')
  const s = stateOf(model, 'fit')
  const epochs = (options['epochs'] as number | undefined) ?? 1
  const batchSize = (options['batchSize'] as number | undefined) ?? 32
  const verbose = (options['verbose'] as number | undefined) ?? 1
  const initialEpoch = (options['initialEpoch'] as number | undefined) ?? 0
  const stepsPerEpoch = options['stepsPerEpoch'] as number | undefined
  const validationFreq = (options['validationFreq'] as number | undefined) ?? 1
  const shuffle = options['shuffle'] ?? true
  const classWeight = options['classWeight'] as Record<string, number> | undefined
  if (!Number.isInteger(epochs) || epochs < 0) throw new InvalidArgumentError(`epochs must be a non-negative integer. Received: epochs=${fmt(epochs)}`)
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new InvalidArgumentError(`batchSize must be a positive integer. Received: batchSize=${fmt(batchSize)}`)

  const streaming = isBatchSource(x)
  let train: ArrayDataset | undefined
  let val: ArrayDataset | undefined
  if (!streaming) {
    train = await makeDataset(x, y, options['sampleWeight'], 'fit')
    if (options['validationSplit']) [train, val] = train.split(options['validationSplit'] as number)
  } else if (options['validationSplit']) {
    throw new InvalidArgumentError('`validationSplit` is only supported for array/tensor inputs, not generators.')
  }
  const vd = options['validationData']
  let valStream: unknown
  if (vd !== undefined) {
    if (isBatchSource(vd)) valStream = vd
    else {
      const [vx, vy, vsw] = Array.isArray(vd) ? vd : [(vd as { x: unknown }).x, (vd as { y: unknown }).y, (vd as { sampleWeight?: unknown }).sampleWeight]
      val = await makeDataset(vx, vy, vsw, 'fit')
    }
  }
  const steps = train ? Math.min(stepsPerEpoch ?? Infinity, train.numBatches(batchSize)) : stepsPerEpoch
  const history = new History()
  const user = (options['callbacks'] as Callback[] | undefined) ?? []
  // Keras's CallbackList order: the user's callbacks, then History, then the progress bar.
  const cbs = new CallbackList([...user, history, ...(verbose ? [new ProgbarLogger()] : [])], model, { epochs, steps, verbose })
  const batchLogs = verbose === 1 || cbs.needsBatchLogs('Train')
  model.stopTraining = false
  await cbs.call('onTrainBegin')
  // A callback may move the start (BackupAndRestore resuming; Keras `model._initial_epoch`).
  const resumeAt = model.trainerState['initialEpoch']
  delete model.trainerState['initialEpoch']
  const startEpoch = typeof resumeAt === 'number' ? resumeAt : initialEpoch
  let lastLogs: Logs = {}
  for (let epoch = startEpoch; epoch < epochs && !model.stopTraining; epoch++) {
    resetMetrics(s)
    await cbs.call('onEpochBegin', epoch)
    const order = train && shuffle ? permutation(train.size) : undefined
    const source: Iterable<Batch> | AsyncIterable<Batch> = train ? train.batches(batchSize, order) : streamBatches(x as AsyncIterable<unknown>, stepsPerEpoch)
    let step = 0
    let lastRead = 0
    for await (const batch of source) {
      if (steps !== undefined && step >= steps) { disposeBatch(batch); break }
      await cbs.call('onTrainBatchBegin', step)
      try { trainStep(model, s, batch, classWeight) } finally { disposeBatch(batch) }
      let logs: Logs = {}
      const now = performance.now()
      if (batchLogs && (now - lastRead > 50 || step === (steps ?? Infinity) - 1 || cbs.needsBatchLogs('Train'))) {
        logs = await readLogs(s)
        lastRead = now
      }
      await cbs.call('onTrainBatchEnd', step, logs)
      step++
      if (model.stopTraining) break
    }
    const epochLogs = await readLogs(s)
    if ((val || valStream) && (epoch + 1) % validationFreq === 0) {
      const valLogs = await runEvaluation(model, s, val, valStream, (options['validationBatchSize'] as number | undefined) ?? batchSize, options['validationSteps'] as number | undefined, cbs)
      for (const [k, v] of Object.entries(valLogs)) epochLogs[`val_${k}`] = v
    }
    lastLogs = epochLogs
    await cbs.call('onEpochEnd', epoch, epochLogs)
  }
  if (epochs > 0) s.optimizer.finalizeVariableValues(model.trainableWeights)
  await cbs.call('onTrainEnd', lastLogs)
  ;(model as { history?: History }).history = history
  return history
}

function disposeBatch(b: Batch): void {
  for (const v of [b.x, b.y, b.sampleWeight]) { const [ts] = treeFlatten(v, isTensor); for (const t of ts) t.dispose() }
}

async function runEvaluation(model: Model, s: CompiledState, data: ArrayDataset | undefined, stream: unknown, batchSize: number, steps: number | undefined, cbs: CallbackList | undefined): Promise<Logs> {
  resetMetrics(s)
  await cbs?.call('onTestBegin')
  const batchLogs = cbs?.needsBatchLogs('Test') ?? false
  const source: Iterable<Batch> | AsyncIterable<Batch> = data ? data.batches(batchSize) : streamBatches(stream as AsyncIterable<unknown>, steps)
  let step = 0
  for await (const batch of source) {
    if (steps !== undefined && step >= steps) { disposeBatch(batch); break }
    await cbs?.call('onTestBatchBegin', step)
    try { testStep(model, s, batch) } finally { disposeBatch(batch) }
    await cbs?.call('onTestBatchEnd', step, batchLogs ? await readLogs(s) : {})
    step++
  }
  const logs = await readLogs(s)
  await cbs?.call('onTestEnd', logs)
  return logs
}

async function evaluate(model: Model, x: unknown, y?: unknown, options: Record<string, unknown> = {}): Promise<unknown> {
  checkKeys(options, new Set(['batchSize', 'verbose', 'sampleWeight', 'steps', 'callbacks', 'returnDict']), 'evaluate')
  const s = stateOf(model, 'evaluate')
  const batchSize = (options['batchSize'] as number | undefined) ?? 32
  const streaming = isBatchSource(x)
  const data = streaming ? undefined : await makeDataset(x, y, options['sampleWeight'], 'evaluate')
  const cbs = new CallbackList((options['callbacks'] as Callback[] | undefined) ?? [], model, { verbose: (options['verbose'] as number | undefined) ?? 1 })
  const logs = await runEvaluation(model, s, data, streaming ? x : undefined, batchSize, options['steps'] as number | undefined, cbs)
  if (options['returnDict']) return logs
  const values = Object.values(logs)
  return values.length === 1 ? values[0] : values
}

/**
 * Tensors on the current backend that fit in one batch: they are the batch as they are (no host round
 * trip), and the step's outputs are predict's result (no concatenation copy).
 */
function wholeBatch(x: unknown, batchSize: number): Batch | undefined {
  // A tensor, or an array / plain object of tensors (multi-input models).
  const leaves: unknown[] = isTensor(x) ? [x] : Array.isArray(x) ? x : x !== null && typeof x === 'object' && Object.getPrototypeOf(x) === Object.prototype ? Object.values(x) : []
  const n = isTensor(leaves[0]) ? leaves[0].shape[0] : undefined
  if (n === undefined || n < 1 || n > batchSize) return undefined
  const backend = getBackend()
  if (!leaves.every((t) => isTensor(t) && !t.isSymbolic && t.backend === backend && t.shape[0] === n)) return undefined
  return { x, y: undefined, sampleWeight: undefined, size: n }
}

const PREDICT_KEYS = new Set(['batchSize', 'verbose', 'steps', 'callbacks'])

/** Runs one batch through the predict step: the output leaves (kept) and their tree. */
function predictBatch(model: Model, x: unknown): { outs: Tensor[]; def: TreeDef } {
  const step = predictStep(model)
  let def: TreeDef | undefined
  const outs = tidy(() => {
    const [leaves, d] = treeFlatten(step(x), isTensor)
    def = d
    return leaves
  })
  return { outs, def: def! }
}

/** Outputs of a whole batch the caller owns: one that is an input (an identity model run eagerly) is copied. */
function ownedOutputs(x: unknown, outs: Tensor[]): Tensor[] | Promise<Tensor[]> {
  const inputs: unknown[] = isTensor(x) ? [x] : treeFlatten(x, isTensor)[0]
  if (!outs.some((t) => inputs.includes(t))) return outs
  return Promise.all(outs.map(async (t) => (inputs.includes(t) ? tensor(await t.data(), { shape: t.shape, dtype: t.dtype }) : t)))
}

async function predict(model: Model, x: unknown, options: Record<string, unknown> = {}): Promise<unknown> {
  checkKeys(options, PREDICT_KEYS, 'predict')
  const batchSize = (options['batchSize'] as number | undefined) ?? 32
  const streaming = isBatchSource(x)
  const whole = streaming ? undefined : wholeBatch(x, batchSize)
  // NOTE: one whole batch and no callbacks (the usual small predict) skips the batch loop and its awaits.
  if (whole && !(options['callbacks'] as Callback[] | undefined)?.length) {
    const { outs, def } = predictBatch(model, x)
    const owned = ownedOutputs(x, outs)
    return treeUnflatten(def, owned instanceof Promise ? await owned : owned)
  }
  const data = streaming || whole ? undefined : await makeDataset(x, undefined, undefined, 'predict')
  const source: Iterable<Batch> | AsyncIterable<Batch> = whole ? [whole] : data ? data.batches(batchSize) : streamBatches(x as AsyncIterable<unknown>, options['steps'] as number | undefined)
  const chunks: { values: ArrayLike<number>[]; shape: number[]; dtype: Tensor['dtype'] }[] = []
  let def: TreeDef | undefined
  let result: unknown
  const cbs = new CallbackList((options['callbacks'] as Callback[] | undefined) ?? [], model, { verbose: (options['verbose'] as number | undefined) ?? 1 })
  // NOTE: no callbacks (the usual predict) skips the hooks: a small batch's latency is mostly JS.
  const hook = cbs.callbacks.length ? (...a: Parameters<CallbackList['call']>) => cbs.call(...a) : undefined
  await hook?.('onPredictBegin')
  let step = 0
  for await (const batch of source) {
    await hook?.('onPredictBatchBegin', step)
    let outs: Tensor[]
    try {
      const r = predictBatch(model, batch.x)
      outs = r.outs
      def = r.def
    } finally { if (!whole) disposeBatch(batch) }
    if (whole) {
      outs = await ownedOutputs(x, outs)
      result = treeUnflatten(def, outs)
      try { await hook?.('onPredictBatchEnd', step, { outputs: result }) } catch (e) { for (const t of outs) t.dispose(); throw e }
      step++
      continue
    }
    for (let i = 0; i < outs.length; i++) {
      const t = outs[i]!
      const c = (chunks[i] ??= { values: [], shape: t.shape.slice(1), dtype: t.dtype })
      c.values.push(await t.data())
    }
    try { await hook?.('onPredictBatchEnd', step, { outputs: treeUnflatten(def!, outs) }) } finally { for (const t of outs) t.dispose() }
    step++
  }
  await hook?.('onPredictEnd')
  if (!def) throw new InvalidArgumentError('predict() received no data.')
  if (whole) return result
  const merged = chunks.map((c) => {
    const total = c.values.reduce((a, v) => a + v.length, 0)
    const out = allocTyped(c.dtype, total)
    let off = 0
    for (const v of c.values) { (out as Float64Array).set(v as ArrayLike<number>, off); off += v.length }
    const row = c.shape.reduce((a, b) => a * b, 1)
    return tensor(out, { shape: [row ? total / row : 0, ...c.shape], dtype: c.dtype })
  })
  return treeUnflatten(def, merged)
}

async function trainOnBatch(model: Model, x: unknown, y?: unknown, options: Record<string, unknown> = {}): Promise<unknown> {
  const s = stateOf(model, 'trainOnBatch')
  const classWeight = options['classWeight'] as Record<string, number> | undefined
  // Tensors already on the device are used as they are (the caller keeps them: not disposed here).
  const onDevice = deviceBatch(x, y, options['sampleWeight'])
  if (onDevice) {
    if (options['resetMetrics'] !== false) resetMetrics(s)
    trainStep(model, s, onDevice, classWeight)
  } else {
    const data = await makeDataset(x, y, options['sampleWeight'], 'trainOnBatch')
    if (options['resetMetrics'] !== false) resetMetrics(s)
    for (const batch of data.batches(data.size)) { try { trainStep(model, s, batch, classWeight) } finally { disposeBatch(batch) } }
  }
  const logs = await readLogs(s)
  return options['returnDict'] ? logs : Object.values(logs).length === 1 ? logs['loss'] : Object.values(logs)
}

async function testOnBatch(model: Model, x: unknown, y?: unknown, options: Record<string, unknown> = {}): Promise<unknown> {
  const s = stateOf(model, 'testOnBatch')
  const data = await makeDataset(x, y, options['sampleWeight'], 'testOnBatch')
  if (options['resetMetrics'] !== false) resetMetrics(s)
  for (const batch of data.batches(data.size)) { try { testStep(model, s, batch) } finally { disposeBatch(batch) } }
  const logs = await readLogs(s)
  return options['returnDict'] ? logs : Object.values(logs).length === 1 ? logs['loss'] : Object.values(logs)
}

/**
 * The trainer plugin: install it with `registerTrainer(trainer)` from `@kx/layers` (the
 * `@kx/keras` umbrella does this).
 *
 * @example
 * ```ts
 * registerTrainer(trainer)
 * model.compile({ optimizer: 'adam', loss: 'mse' })
 * ```
 */
export const trainer: TrainerPlugin = {
  compile,
  fit,
  evaluate,
  predict,
  trainOnBatch,
  testOnBatch,
  predictOnBatch: (model, x) => predict(model, x, { batchSize: Number.MAX_SAFE_INTEGER }),
  computeLoss: (model, args) => stateOf(model, 'computeLoss').loss.apply(model, args['y'], args['yPred'], args['sampleWeight']),
  computeMetrics: (model, args) => {
    const s = stateOf(model, 'computeMetrics')
    s.metrics.updateState(args['y'], args['yPred'], args['sampleWeight'])
    return Object.fromEntries((s.metrics.metrics ?? []).map(({ metric }) => [metric.name, metric.result()]))
  },
}
