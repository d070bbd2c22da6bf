/**
 * @file Optimizer base class (Keras 3 `BaseOptimizer` with the JAX backend's branch-free gradient
 * accumulation and EMA): slot variables, learning rate (value, schedule or callable), clipping, weight
 * decay, EMA, loss scaling, gradient accumulation, constraints and the iteration counter. Every update
 * runs inside one `tidy`, with no host reads, so it can be traced and keeps the tensor count flat.
 */
import { InvalidArgumentError, Tensor, Variable, floatx, fmt, full, lax, tidy, type DType } from '@kx/core'
import { configToArgs, toSnakeCase, uniqueName, type CustomObjects } from '@kx/layers'
import { LearningRateSchedule } from '../schedules/LearningRateSchedule.js'
import { deserializeSchedule, serializeSchedule } from '../schedules/index.js'
import { cast, square, sum, where } from '@kx/ops-numpy'
import { clip, constant, copy, divS, like, maxS, mulS, rsubS } from './math.js'

/** A learning rate: a number, a schedule of the iteration count, or a function returning the current value. */
export type LearningRate = number | LearningRateSchedule | (() => number | Tensor)

/** Options shared by every optimizer (Keras `BaseOptimizer.__init__`, camelCased). */
export interface OptimizerArgs {
  readonly learningRate?: LearningRate
  /** Decoupled weight decay: `w -= w * weightDecay * lr` before each update. */
  readonly weightDecay?: number | null
  /** Clips each gradient to this L2 norm. */
  readonly clipnorm?: number | null
  /** Clips each gradient element to `[-clipvalue, clipvalue]`. */
  readonly clipvalue?: number | null
  /** Clips all gradients together to this global L2 norm. */
  readonly globalClipnorm?: number | null
  /** Keeps an exponential moving average of the weights. */
  readonly useEma?: boolean
  readonly emaMomentum?: number
  /** Overwrites the weights with their average every this many steps (never when null). */
  readonly emaOverwriteFrequency?: number | null
  /** Gradients are divided by this factor (the trainer multiplies the loss by it, `scaleLoss`). */
  readonly lossScaleFactor?: number | null
  /** Updates every this many steps with the mean of the accumulated gradients. */
  readonly gradientAccumulationSteps?: number | null
  readonly name?: string
}

/** A gradient (or null for "no gradient") and the variable it updates. */
export type GradientPair = readonly [Tensor | null | undefined, Variable]

const isOverwrite = (v: Variable): boolean => (v as { overwriteWithGradient?: boolean }).overwriteWithGradient === true

// NOTE: optimizer variable writes can be deferred (a stack of maps, innermost first): gradient
// accumulation and LossScaleOptimizer compute an update, then keep it or not with one `select` per
// variable instead of a host-side branch, so an update step never reads data back and can be traced.
const deferStack: Map<Variable, Tensor>[] = []

/** The value of `v` as the current update sees it (deferred writes included). */
export function currentValue(v: Variable): Tensor {
  for (let i = deferStack.length - 1; i >= 0; i--) {
    const t = deferStack[i]!.get(v)
    if (t) return t
  }
  return v.rawValue
}

/** Writes `v` (into the innermost deferral when one is open). */
export function writeValue(v: Variable, value: Tensor): void {
  const top = deferStack[deferStack.length - 1]
  if (top) top.set(v, cast(value, v.dtype))
  else v.assign(value)
}

/**
 * @internal Runs `fn` with variable writes deferred and returns them; the caller commits them with
 * `writeValue`. Must run inside the caller's `tidy` (the deferred values are ordinary intermediates).
 */
export function deferWrites(fn: () => void): Map<Variable, Tensor> {
  const writes = new Map<Variable, Tensor>()
  deferStack.push(writes)
  try { fn() } finally { deferStack.pop() }
  return writes
}

/**
 * Base class of optimizers. Subclasses create slot variables in `buildSlots` and implement
 * `updateStep(gradient, variable, learningRate)` with `this.read` / `this.assign*`, like Keras's
 * `build` / `update_step` / `self.assign`.
 *
 * @example
 * ```ts
 * const opt = new Adam({ learningRate: 1e-3 })
 * opt.applyGradients([[grad, variable]]) // builds the slots on the first call
 * ```
 */
export abstract class Optimizer {
  /** Keras's class name (used in serialized envelopes). */
  static readonly className: string = 'Optimizer'
  get className(): string { return (this.constructor as { className?: string }).className ?? this.constructor.name }

  readonly name: string
  weightDecay: number | null
  clipnorm: number | null
  clipvalue: number | null
  globalClipnorm: number | null
  readonly useEma: boolean
  readonly emaMomentum: number
  readonly emaOverwriteFrequency: number | null
  lossScaleFactor: number | null
  readonly gradientAccumulationSteps: number | null
  built = false

  protected readonly _variables: Variable[] = []
  protected _trainableVariables: Variable[] = []
  protected readonly _indices = new Map<Variable, number>()
  protected readonly _iterations: Variable
  private _learningRate: Variable | LearningRateSchedule | (() => number | Tensor)
  private _lrValue = 0
  protected _emaAverages: (Variable | null)[] = []
  protected _gradientAccumulators: Variable[] = []
  private _excludeVars = new Set<Variable>()
  private _excludePattern: RegExp | null = null
  /** Scalars computed once per `apply` (learning rate, bias corrections, ...). */
  private _stepCache: Map<string, Tensor> | null = null
  /**
   * `iterations` as a host number, valid while the variable still holds `tensor` (the value this optimizer
   * last wrote eagerly): any other write (`assign`, loading weights, a traced step) invalidates it.
   */
  private _hostIterations: { readonly value: number; readonly tensor: Tensor } | null = null

  constructor(args: OptimizerArgs & { readonly learningRate: LearningRate }) {
    this.name = args.name ?? uniqueName(toSnakeCase(new.target.className ?? new.target.name))
    this.weightDecay = args.weightDecay ?? null
    this.clipnorm = args.clipnorm ?? null
    this.globalClipnorm = args.globalClipnorm ?? null
    this.clipvalue = args.clipvalue ?? null
    this.useEma = args.useEma ?? false
    this.emaMomentum = args.emaMomentum ?? 0.99
    this.emaOverwriteFrequency = args.emaOverwriteFrequency ?? null
    this.lossScaleFactor = args.lossScaleFactor ?? null
    this.gradientAccumulationSteps = args.gradientAccumulationSteps ?? null
    const steps = this.gradientAccumulationSteps
    if (steps !== null && !(Number.isInteger(steps) && steps >= 2)) {
      throw new InvalidArgumentError(`\`gradient_accumulation_steps\` must be an integer >= 2. Received: gradient_accumulation_steps=${fmt(steps)}`)
    }
    if (this.useEma) {
      if (this.emaMomentum > 1 || this.emaMomentum < 0) throw new InvalidArgumentError(`\`ema_momentum\` must be in the range [0, 1]. Received: ema_momentum=${fmt(this.emaMomentum)}`)
      const f = this.emaOverwriteFrequency
      if (f !== null && f !== 0 && !(Number.isInteger(f) && f >= 1)) {
        throw new InvalidArgumentError(`\`ema_overwrite_frequency\` must be an integer >= 1 or None. Received: ema_overwrite_frequency=${fmt(f)}`)
      }
    }
    const nClip = [this.clipnorm, this.clipvalue, this.globalClipnorm].filter((x) => x !== null).length
    if (nClip > 1) {
      throw new InvalidArgumentError(`Only one of \`clipnorm\`, \`clipvalue\` and \`global_clipnorm\` can be set. Received: clipnorm=${fmt(this.clipnorm)}, clipvalue=${fmt(this.clipvalue)}, global_clipnorm=${fmt(this.globalClipnorm)}`)
    }
    this._iterations = this.addVariable([], { name: 'iteration', dtype: 'int32', initializer: 0 })
    this._hostIterations = { value: 0, tensor: this._iterations.rawValue }
    const lr = args.learningRate
    if (lr instanceof LearningRateSchedule || typeof lr === 'function') {
      this._learningRate = lr
    } else {
      if (typeof lr !== 'number' || !Number.isFinite(lr)) {
        throw new InvalidArgumentError(`Argument \`learning_rate\` should be float, or an instance of LearningRateSchedule, or a callable (that takes in the current iteration value and returns the corresponding learning rate value). Received instead: learning_rate=${fmt(lr)}`)
      }
      this._learningRate = this.addVariable([], { name: 'learning_rate', dtype: floatx(), initializer: lr })
      this._lrValue = Math.fround(lr)
    }
  }

  // ---- variables -------------------------------------------------------------------------------

  /** Every optimizer variable in Keras's order (iteration, learning_rate, then slots). */
  get variables(): Variable[] { return this._variables.slice() }
  /** The step counter (Keras `_iterations`: counts `apply` calls, accumulation steps included). */
  get iterations(): Variable { return this._iterations }

  /** Creates an optimizer variable named `<optimizer>/<name>` (Keras `add_variable`). */
  addVariable(shape: readonly number[], options: { name: string; dtype?: DType; initializer?: number | Tensor }): Variable {
    const dtype = options.dtype ?? floatx()
    const init = options.initializer ?? 0
    const v = new Variable({ initializer: init instanceof Tensor ? copy(cast(init, dtype)) : full(shape, init, dtype), dtype, trainable: false, name: options.name })
    v.path = `${this.name}/${options.name}`
    this._variables.push(v)
    return v
  }

  /** A slot shaped like `reference`, named `<reference path with _>_<name>` (Keras `add_variable_from_reference`). */
  addVariableFromReference(reference: Variable, name = 'var', initializer: number | Tensor = 0): Variable {
    return this.addVariable(reference.shape, { name: `${reference.path.replaceAll('/', '_')}_${name}`, dtype: reference.dtype, initializer })
  }

  /**
   * One slot list per name, created interleaved per variable (Keras `add_optimizer_variables`); variables
   * with `overwriteWithGradient` get null.
   */
  addOptimizerVariables(variables: readonly Variable[], names: readonly string[], initializers: readonly number[] = []): (Variable | null)[][] {
    const out = names.map(() => [] as (Variable | null)[])
    for (const v of variables) {
      names.forEach((n, i) => out[i]!.push(isOverwrite(v) ? null : this.addVariableFromReference(v, n, initializers[i] ?? 0)))
    }
    return out
  }

  /** Creates the optimizer state for `variables` (idempotent; `applyGradients` calls it). */
  build(variables: readonly Variable[]): void {
    if (this.built) return
    if (this.useEma) this._emaAverages = this.addOptimizerVariables(variables, ['average'])[0]!
    variables.forEach((v, i) => {
      this._indices.set(v, i)
      if (this.gradientAccumulationSteps) this._gradientAccumulators.push(this.addVariableFromReference(v, 'gradient_accumulator'))
    })
    this._trainableVariables = variables.slice()
    this.buildSlots(variables)
    this.built = true
  }

  /** Subclasses create their slot variables here (Keras's `build` after `super().build`). */
  protected buildSlots(_variables: readonly Variable[]): void { /* no slots */ }

  /** Index of a variable in the list the optimizer was built with. */
  protected indexOf(variable: Variable): number {
    const i = this._indices.get(variable)
    if (i === undefined) throw new InvalidArgumentError(`Unknown variable: ${variable}. This optimizer can only be called for the variables it was originally built with. When working with a new set of variables, you should recreate a new optimizer instance.`)
    return i
  }

  // ---- learning rate ---------------------------------------------------------------------------

  /**
   * The configured learning rate: a number (the value of the `learning_rate` variable), the schedule,
   * or the callable. Setting a number assigns the variable; setting a schedule replaces it.
   */
  get learningRate(): LearningRate {
    const lr = this._learningRate
    return lr instanceof Variable ? readScalar(lr, this._lrValue) : lr
  }
  set learningRate(value: LearningRate) {
    const prev = this._learningRate
    if (value instanceof LearningRateSchedule || typeof value === 'function') {
      this._learningRate = value
      if (prev instanceof Variable) {
        const i = this._variables.indexOf(prev)
        if (i >= 0) this._variables.splice(i, 1)
      }
      return
    }
    if (!(prev instanceof Variable)) {
      throw new InvalidArgumentError(`This optimizer was created with a \`LearningRateSchedule\` object (or a callable) as its \`learning_rate\` constructor argument, hence its learning rate is not settable. If you need the learning rate to be settable, you should instantiate the optimizer with a float \`learning_rate\` argument. Received: learning_rate=${fmt(value)}`)
    }
    tidy(() => prev.assign(full([], value, prev.dtype)))
    this._lrValue = Math.fround(value)
  }

  /** The learning-rate source: the `learning_rate` variable, the schedule or the callable. */
  protected get learningRateSource(): Variable | LearningRateSchedule | (() => number | Tensor) { return this._learningRate }

  /** The learning rate for the current step as a scalar tensor (Keras `_get_current_learning_rate`). */
  currentLearningRate(): Tensor {
    const lr = this._learningRate
    if (lr instanceof LearningRateSchedule) return lr.apply(currentValue(this._iterations))
    if (lr instanceof Variable) return currentValue(lr)
    const v = lr()
    return v instanceof Tensor ? v : constant(v, floatx())
  }

  /** The learning rate of this `apply` call, computed once per call. */
  protected stepLearningRate(): Tensor { return this.perStep('lr', () => this.currentLearningRate()) }

  /** Keras's `optimizer.iterations`: the number of real updates (steps // accumulation steps). */
  stepIterations(): Tensor {
    const it = currentValue(this._iterations)
    const steps = this.gradientAccumulationSteps
    return steps ? lax.div(it, constant(steps, it.dtype, it)) : it
  }

  /** `iterations + 1` in `dtype` (the 1-based step number that bias corrections use). */
  protected localStep(dtype: DType, offset = 1): Tensor {
    return this.perStep(`local_step${offset}|${dtype}`, () => cast(lax.add(this.stepIterations(), constant(offset, 'int32', this._iterations.rawValue)), dtype))
  }

  /**
   * `iterations + offset` as a host number where it is known without a read: eager steps (not traced), no
   * gradient accumulation, `iterations` last written by this optimizer's own steps. Null otherwise.
   */
  protected hostLocalStep(offset = 1): number | null {
    const h = this._hostIterations
    const it = currentValue(this._iterations)
    return h && it === h.tensor && !it.isSymbolic && !this.gradientAccumulationSteps ? h.value + offset : null
  }

  /** Memoizes a scalar within the current `apply` call (outside one, computes it every time). */
  protected perStep(key: string, make: () => Tensor): Tensor {
    const cache = this._stepCache
    if (!cache) return make()
    let t = cache.get(key)
    if (!t) { t = make(); cache.set(key, t) }
    return t
  }

  // ---- variable writes (possibly deferred) -----------------------------------------------------

  /** The current value of a variable as the update sees it (deferred writes included). */
  protected read(variable: Variable): Tensor { return currentValue(variable) }
  /** Keras `self.assign`. */
  protected assign(variable: Variable, value: Tensor): void { writeValue(variable, value) }
  /** Keras `self.assign_add`. */
  protected assignAdd(variable: Variable, value: Tensor): void { this.assign(variable, lax.add(this.read(variable), cast(value, variable.dtype))) }
  /** Keras `self.assign_sub`. */
  protected assignSub(variable: Variable, value: Tensor): void { this.assign(variable, lax.sub(this.read(variable), cast(value, variable.dtype))) }

  // ---- applying gradients ----------------------------------------------------------------------

  /**
   * Applies `[gradient, variable]` pairs: builds on first use, then unscales, clips, decays, updates,
   * applies constraints and increments `iterations` (Keras `apply_gradients`).
   */
  applyGradients(pairs: readonly GradientPair[]): Variable {
    this.apply(pairs.map((p) => p[0]), pairs.map((p) => p[1]))
    return this._iterations
  }

  /** Keras `apply(grads, trainable_variables)`: variables may be omitted once built. */
  apply(grads: readonly (Tensor | null | undefined)[], trainableVariables?: readonly Variable[]): void {
    if (grads.length === 0) return
    const vars = this.resolveVariables(grads, trainableVariables)
    tidy(() => this.applyUntidied(grads, vars))
  }

  /** Builds on first use and checks the variables are the ones the optimizer was built with. */
  protected resolveVariables(grads: readonly unknown[], trainableVariables?: readonly Variable[]): Variable[] {
    let vars: Variable[]
    if (!trainableVariables) {
      if (!this.built) throw new InvalidArgumentError('When passing `grads` without `variables`, the optimizer must already be built on a list of variables. Call `optimizer.build(trainable_variables)` first.')
      if (grads.length !== this._trainableVariables.length) {
        throw new InvalidArgumentError(`When passing \`grads\` as a list of gradient tensors, the gradients must match \`optimizer.variables\` one-to-one. Received a list of ${grads.length} gradients, but the optimizer is tracking ${this._trainableVariables.length} trainable variables.`)
      }
      vars = this._trainableVariables
    } else {
      vars = trainableVariables.slice()
      if (!this.built) this.build(vars)
      for (const v of vars) this.indexOf(v)
    }
    return vars
  }

  /**
   * @internal The body of `apply` without its `tidy` scope (wrappers such as LossScaleOptimizer and
   * MultiOptimizer call it inside their own scope).
   */
  applyUntidied(grads: readonly (Tensor | null | undefined)[], vars: readonly Variable[]): void {
    const outerCache = this._stepCache
    this._stepCache = new Map()
    try {
      let [g, v] = filterEmptyGradients(grads, vars)
      ;[g, v] = this.overwriteVariablesWithGradients(g, v)
      if (g.length > 0) {
        const scale = this.lossScaleFactor
        if (scale !== null) g = g.map((x) => divS(x, scale))
        this.backendApplyGradients(g, v)
        for (const x of v) if (x.constraint) writeValue(x, x.constraint(currentValue(x)))
      }
      const it = currentValue(this._iterations)
      const known = this.hostLocalStep(0)
      writeValue(this._iterations, lax.add(it, constant(1, it.dtype, it)))
      const next = currentValue(this._iterations)
      this._hostIterations = known === null || next.isSymbolic ? null : { value: known + 1, tensor: next }
    } finally {
      this._stepCache = outerCache
    }
  }

  /** Clipping, weight decay, update, accumulation and EMA (the JAX backend's branch-free form). */
  protected backendApplyGradients(grads: Tensor[], vars: Variable[]): void {
    const steps = this.gradientAccumulationSteps
    if (steps) {
      const isUpdate = this.isUpdateStep(steps)
      const accs = vars.map((v) => this._gradientAccumulators[this.indexOf(v)]!)
      const sums = grads.map((g, i) => lax.add(cast(g, accs[i]!.dtype), currentValue(accs[i]!)))
      const useGrads = grads.map((g, i) => where(isUpdate, divS(sums[i]!, steps), cast(g, accs[i]!.dtype)))
      const pending = deferWrites(() => {
        const clipped = this.clipGradients(useGrads)
        this.applyWeightDecay(vars)
        this.backendUpdateStep(clipped, vars, this.stepLearningRate())
      })
      // NOTE: the update is computed every step and kept only on update steps (JAX's lax.cond-free form).
      for (const [v, value] of pending) writeValue(v, where(isUpdate, value, currentValue(v)))
      accs.forEach((a, i) => writeValue(a, where(isUpdate, like(sums[i]!, 0), sums[i]!)))
    } else {
      const clipped = this.clipGradients(grads)
      this.applyWeightDecay(vars)
      this.backendUpdateStep(clipped, vars, this.stepLearningRate())
    }
    if (this.useEma) this.updateEma()
  }

  /** `(_iterations + 1) % steps == 0` as a scalar bool tensor. */
  private isUpdateStep(steps: number): Tensor {
    const it = currentValue(this._iterations)
    return lax.eq(lax.binary('rem', lax.add(it, constant(1, it.dtype, it)), constant(steps, it.dtype, it)), constant(0, it.dtype, it))
  }

  /** Runs `updateStep` for each pair (Keras `_backend_update_step`; Nadam hooks in here). */
  protected backendUpdateStep(grads: Tensor[], vars: Variable[], learningRate: Tensor): void {
    grads.forEach((g, i) => this.updateStep(g, vars[i]!, learningRate))
  }

  /** Updates one variable from its gradient (Keras `update_step`). */
  protected abstract updateStep(gradient: Tensor, variable: Variable, learningRate: Tensor): void

  private updateEma(): void {
    const it = this.stepIterations()
    const notFirst = lax.ne(it, constant(0, it.dtype, it))
    this._trainableVariables.forEach((v, i) => {
      const avg = this._emaAverages[i]
      if (!avg) return
      const momentum = mulS(cast(notFirst, v.dtype), this.emaMomentum)
      const a = currentValue(avg)
      const x = currentValue(v)
      writeValue(avg, lax.add(lax.mul(like(a, momentum), a), lax.mul(like(x, rsubS(1, momentum)), x)))
    })
    const freq = this.emaOverwriteFrequency
    if (freq !== null) {
      const should = lax.eq(lax.binary('rem', lax.add(it, constant(1, it.dtype, it)), constant(freq, it.dtype, it)), constant(0, it.dtype, it))
      this._trainableVariables.forEach((v, i) => {
        const avg = this._emaAverages[i]
        if (avg) writeValue(v, where(should, currentValue(avg), currentValue(v)))
      })
    }
  }

  /** Variables flagged `overwriteWithGradient` take the gradient as their new value (float8 scales). */
  private overwriteVariablesWithGradients(grads: Tensor[], vars: Variable[]): [Tensor[], Variable[]] {
    if (!vars.some(isOverwrite)) return [grads, vars]
    const g2: Tensor[] = []
    const v2: Variable[] = []
    const steps = this.gradientAccumulationSteps
    grads.forEach((g, i) => {
      const v = vars[i]!
      if (!isOverwrite(v)) { g2.push(g); v2.push(v); return }
      if (!steps) { writeValue(v, copy(g)); return }
      const isUpdate = this.isUpdateStep(steps)
      const acc = this._gradientAccumulators[this.indexOf(v)]!
      const gm = lax.max(cast(g, acc.dtype), currentValue(acc))
      writeValue(v, where(isUpdate, gm, currentValue(v)))
      writeValue(acc, where(isUpdate, like(gm, 0), gm))
    })
    return [g2, v2]
  }

  /** Keras `_clip_gradients`: `clipnorm` per tensor, else `global_clipnorm`, else `clipvalue`. */
  protected clipGradients(grads: Tensor[]): Tensor[] {
    if (this.clipnorm && this.clipnorm > 0) {
      const c = this.clipnorm
      return grads.map((g) => {
        const l2sum = sum(square(g))
        const pred = lax.gt(l2sum, like(l2sum, 0))
        const l2norm = lax.select(pred, lax.sqrt(lax.select(pred, l2sum, like(l2sum, 1))), l2sum)
        return divS(mulS(g, c), maxS(l2norm, c))
      })
    }
    if (this.globalClipnorm && this.globalClipnorm > 0) return clipByGlobalNorm(grads, this.globalClipnorm)
    if (this.clipvalue && this.clipvalue > 0) {
      const c = this.clipvalue
      return grads.map((g) => clip(g, -c, c))
    }
    return grads
  }

  /**
   * Excludes variables from weight decay: by identity, or when any of `varNames` (regular-expression
   * fragments) occurs in the variable's name (Keras `exclude_from_weight_decay`).
   */
  excludeFromWeightDecay(options: { varList?: readonly Variable[]; varNames?: readonly string[] } = {}): void {
    this._excludeVars = new Set(options.varList ?? [])
    const names = [...new Set(options.varNames ?? [])]
    this._excludePattern = names.length ? new RegExp(names.join('|')) : null
  }

  /** Whether weight decay applies to `variable`. */
  protected useWeightDecay(variable: Variable): boolean {
    if (this._excludeVars.has(variable)) return false
    return !(this._excludePattern && this._excludePattern.test(variable.name))
  }

  /** `w -= w * weight_decay * lr` for the variables not excluded (Keras `_apply_weight_decay`). */
  protected applyWeightDecay(vars: Variable[]): void {
    const wd = this.weightDecay
    if (wd === null) return
    for (const v of vars) {
      if (!this.useWeightDecay(v)) continue
      const x = this.read(v)
      const lr = cast(this.stepLearningRate(), v.dtype)
      this.assign(v, lax.sub(x, mulS(mulS(x, wd), lr)))
    }
  }

  // ---- EMA, loss scaling -----------------------------------------------------------------------

  /** Replaces the variables with their moving averages when EMA is on (Keras `finalize_variable_values`). */
  finalizeVariableValues(varList: readonly Variable[]): void {
    if (!this.useEma) return
    if (varList.length !== this._emaAverages.length) {
      throw new InvalidArgumentError(`The length of model variables (${varList.length}) to override does not match the length of model variables stored in the optimizer (${this._emaAverages.length}). Please check if the optimizer was called on your model.`)
    }
    tidy(() => varList.forEach((v, i) => { const a = this._emaAverages[i]; if (a) v.assign(copy(a.rawValue)) }))
  }

  /** Swaps the model variables with their EMA averages (used by `SwapEMAWeights`); calling twice restores. */
  swapEmaWeights(varList: readonly Variable[]): void {
    if (!this.useEma) throw new InvalidArgumentError(`SwapEMAWeights must be used when \`use_ema=True\` is set on the optimizer. Received: use_ema=False, optimizer=${fmt(this.name)}`)
    tidy(() => varList.forEach((v, i) => {
      const a = this._emaAverages[i]
      if (!a) return
      const x = copy(v.rawValue)
      v.assign(copy(a.rawValue))
      a.assign(x)
    }))
  }

  /** The moving averages (one per trainable variable, null where none), in build order. */
  get emaAverages(): (Variable | null)[] { return this._emaAverages.slice() }

  /** Multiplies the loss by `lossScaleFactor` (Keras `scale_loss`). */
  scaleLoss(loss: Tensor): Tensor {
    return this.lossScaleFactor !== null ? mulS(loss, this.lossScaleFactor) : loss
  }

  /** Assigns every optimizer variable from `weights` (Keras `set_weights`). */
  setWeights(weights: readonly Tensor[]): void {
    if (!this.built) throw new InvalidArgumentError('You are calling `setWeights()` on an optimizer that has not yet been built. Please call `optimizer.build(trainableVariables)` to create the optimizer weights before calling `setWeights()`.')
    const vars = this.variables
    tidy(() => weights.forEach((w, i) => {
      const v = vars[i]
      if (!v) return
      if (v.shape.length !== w.shape.length || v.shape.some((d, j) => d !== w.shape[j])) {
        throw new InvalidArgumentError(`Optimizer variable ${v.path} has shape ${fmt(v.shape)} not compatible with provided weight shape ${fmt(w.shape)}.`)
      }
      v.assign(copy(w))
    }))
  }

  // ---- config ----------------------------------------------------------------------------------

  /** The optimizer's hyperparameters with Keras's snake_case keys. */
  getConfig(): Record<string, unknown> {
    const lr = this._learningRate
    let learningRate: unknown
    if (lr instanceof LearningRateSchedule) learningRate = serializeSchedule(lr)
    else if (lr instanceof Variable) learningRate = readScalar(lr, this._lrValue)
    else {
      // NOTE: a JS function cannot be serialized; its current value is recorded when it is a number.
      const v = lr()
      learningRate = typeof v === 'number' ? v : null
    }
    return {
      name: this.name,
      learning_rate: learningRate,
      weight_decay: this.weightDecay,
      clipnorm: this.clipnorm,
      global_clipnorm: this.globalClipnorm,
      clipvalue: this.clipvalue,
      use_ema: this.useEma,
      ema_momentum: this.emaMomentum,
      ema_overwrite_frequency: this.emaOverwriteFrequency,
      loss_scale_factor: this.lossScaleFactor,
      gradient_accumulation_steps: this.gradientAccumulationSteps,
    }
  }

  /** Rebuilds an optimizer from `getConfig()` output (a nested schedule envelope is deserialized). */
  static fromConfig<T>(this: new (...args: never[]) => T, config: Record<string, unknown>, custom?: CustomObjects): T {
    const c = { ...config }
    if (c['learning_rate'] !== null && typeof c['learning_rate'] === 'object') c['learning_rate'] = deserializeSchedule(c['learning_rate'], custom)
    if ('decay' in c) delete c['decay']
    return new (this as unknown as new (args: unknown) => T)(configToArgs(c))
  }

  toString(): string { return `<${this.className} name=${this.name}, built=${this.built}>` }
}

/** Reads a scalar variable synchronously when the backend can, else returns the mirrored value. */
function readScalar(v: Variable, fallback: number): number {
  const t = v.rawValue
  if (t.isSymbolic || t.isDisposed || !t.backend.readSync) return fallback
  return t.dataSync()[0] as number
}

function filterEmptyGradients(grads: readonly (Tensor | null | undefined)[], vars: readonly Variable[]): [Tensor[], Variable[]] {
  const g: Tensor[] = []
  const v: Variable[] = []
  const missing: string[] = []
  grads.forEach((x, i) => {
    if (x === null || x === undefined) missing.push(vars[i]!.path)
    else { g.push(x); v.push(vars[i]!) }
  })
  if (g.length === 0) throw new InvalidArgumentError('No gradients provided for any variable.')
  if (missing.length) console.warn(`Gradients do not exist for variables ${fmt(missing)} when minimizing the loss. If using \`model.compile()\`, did you forget to provide a \`loss\` argument?`)
  return [g, v]
}

/** Scales all gradients so their global L2 norm is at most `clipNorm` (NaN when the norm is not finite). */
export function clipByGlobalNorm(grads: readonly Tensor[], clipNorm: number): Tensor[] {
  let sq: Tensor | undefined
  for (const g of grads) {
    const s = cast(sum(square(g)), 'float32')
    sq = sq ? lax.add(sq, s) : s
  }
  const norm = lax.sqrt(sq!)
  const scaleFinite = mulS(lax.min(lax.div(like(norm, 1), norm), like(norm, 1 / clipNorm)), clipNorm)
  const scale = lax.add(scaleFinite, lax.sub(norm, norm))
  return grads.map((g) => lax.mul(g, like(g, scale)))
}

