/** @file MultiOptimizer and OptimizerMap: different optimizers for different variables (Keras `keras.optimizers.MultiOptimizer`). */
import { InvalidArgumentError, fmt, lax, type Tensor, type Variable } from '@kx/core'
import { sanitize, type CustomObjects, type KerasEnvelope } from '@kx/layers'
import { Optimizer, currentValue, writeValue, type LearningRate } from './Optimizer.js'
import { LossScaleOptimizer } from './LossScaleOptimizer.js'
import { deserializeOptimizer, serializeOptimizer } from './registry.js'
import { constant } from './math.js'

/**
 * Maps variable paths to optimizers: an exact key first, else the one key that matches the whole path as
 * a regular expression (`'encoder/.*'`), else the default optimizer (Keras `OptimizerMap`).
 *
 * @example
 * ```ts
 * const map = new OptimizerMap(new SGD(), { 'encoder/.*': new Adam() })
 * map.get('encoder/dense/kernel') // the Adam
 * ```
 */
export class OptimizerMap {
  static readonly className: string = 'OptimizerMap'
  get className(): string { return OptimizerMap.className }
  readonly defaultOptimizer: Optimizer
  private readonly map = new Map<string, Optimizer>()

  constructor(defaultOptimizer: Optimizer, optimizerMap: Readonly<Record<string, Optimizer>> = {}) {
    if (!(defaultOptimizer instanceof Optimizer)) throw new InvalidArgumentError(`default_optimizer must be a Keras Optimizer instance. Received: ${fmt(defaultOptimizer)}`)
    this.defaultOptimizer = defaultOptimizer
    for (const [k, v] of Object.entries(optimizerMap)) this.map.set(k, v)
  }

  /** The optimizer for a variable path (or pattern key). */
  get(key: string): Optimizer {
    const exact = this.map.get(key)
    if (exact) return exact
    const matches = [...this.map.keys()].filter((p) => new RegExp(`^(?:${p})$`).test(key))
    if (matches.length > 1) throw new InvalidArgumentError(`Multiple optimizers assigned to variable ${key}. Received: patterns=${fmt(matches)}`)
    return matches.length === 1 ? this.map.get(matches[0]!)! : this.defaultOptimizer
  }

  /** Assigns an optimizer to a path or pattern (keys are unique). */
  set(key: string, optimizer: Optimizer): void {
    if (this.map.has(key)) throw new InvalidArgumentError(`'${key}' already exists in the OptimizerMap with value ${this.map.get(key)}. Please make sure to not use duplicated keys.`)
    if (typeof key !== 'string') throw new InvalidArgumentError(`key must be a string. Received: ${fmt(key)}`)
    if (!(optimizer instanceof Optimizer)) throw new InvalidArgumentError(`optimizer must be a Keras Optimizer instance. Received: ${fmt(optimizer)}`)
    if (optimizer instanceof LossScaleOptimizer) throw new InvalidArgumentError('optimizer cannot be LossScaleOptimizer.')
    if (optimizer instanceof MultiOptimizer) throw new InvalidArgumentError('optimizer cannot be MultiOptimizer.')
    this.map.set(key, optimizer)
  }
  delete(key: string): boolean { return this.map.delete(key) }
  get size(): number { return this.map.size }
  keys(): string[] { return [...this.map.keys()] }
  values(): Optimizer[] { return [...this.map.values()] }

  /** The optimizer of a variable (by its path). */
  call(variable: Variable): Optimizer { return this.get(variable.path) }

  getConfig(): Record<string, unknown> {
    const m: Record<string, unknown> = {}
    for (const [k, v] of this.map) m[k] = serializeOptimizer(v)
    return { default_optimizer: serializeOptimizer(this.defaultOptimizer), optimizer_map: m }
  }

  static fromConfig(config: Record<string, unknown>, custom?: CustomObjects): OptimizerMap {
    const raw = (config['optimizer_map'] ?? {}) as Record<string, unknown>
    const m: Record<string, Optimizer> = {}
    for (const [k, v] of Object.entries(raw)) Object.defineProperty(m, k, { value: deserializeOptimizer(v, custom), enumerable: true })
    return new OptimizerMap(deserializeOptimizer(config['default_optimizer'], custom), m)
  }
}

/** How MultiOptimizer picks an optimizer: an OptimizerMap or a function of the variable. */
export type OptimizerSelector = OptimizerMap | ((variable: Variable) => Optimizer)

/**
 * Delegates each variable to the optimizer its map selects; every sub-optimizer keeps its own state.
 * It has no learning rate of its own.
 *
 * @example
 * ```ts
 * const opt = new MultiOptimizer(new OptimizerMap(new SGD(), { 'encoder/.*': new Adam() }))
 * ```
 */
export class MultiOptimizer extends Optimizer {
  static override readonly className: string = 'MultiOptimizer'
  readonly optimizerMap: OptimizerSelector
  private readonly _inner: Optimizer[] = []
  private readonly _varToOptimizer = new Map<Variable, number>()

  constructor(optimizerMap: OptimizerSelector, args: { lossScaleFactor?: number | null; name?: string } = {}) {
    super({ learningRate: 0.0, lossScaleFactor: args.lossScaleFactor ?? null, ...(args.name !== undefined ? { name: args.name } : {}) })
    this.optimizerMap = optimizerMap
    if (optimizerMap instanceof OptimizerMap) {
      for (const opt of [...optimizerMap.values(), optimizerMap.defaultOptimizer]) this.adopt(opt)
    }
  }

  private adopt(opt: Optimizer): number {
    let i = this._inner.indexOf(opt)
    if (i < 0) {
      opt.lossScaleFactor = this.lossScaleFactor
      i = this._inner.push(opt) - 1
    }
    return i
  }

  /** The sub-optimizers, in Keras's order (map values, then the default). */
  get optimizers(): Optimizer[] { return this._inner.slice() }

  override build(variables: readonly Variable[]): void {
    if (this.built) return
    const groups: Variable[][] = this._inner.map(() => [])
    for (const v of variables) {
      const opt = this.optimizerMap instanceof OptimizerMap ? this.optimizerMap.call(v) : this.optimizerMap(v)
      if (!(opt instanceof Optimizer)) throw new InvalidArgumentError(`Optimizer for variable ${v} is not an Optimizer instance.`)
      if (opt instanceof LossScaleOptimizer) throw new InvalidArgumentError('LossScaleOptimizer cannot be used inside an MultiOptimizer.')
      if (opt instanceof MultiOptimizer) throw new InvalidArgumentError('MultiOptimizer cannot be used inside an MultiOptimizer.')
      const i = this.adopt(opt)
      while (groups.length < this._inner.length) groups.push([])
      this._varToOptimizer.set(v, i)
      groups[i]!.push(v)
    }
    this._inner.forEach((opt, i) => { if (groups[i]!.length) opt.build(groups[i]!) })
    super.build(variables)
  }

  /** Own variables (iteration, learning_rate), then each sub-optimizer's. */
  override get variables(): Variable[] { return [...this._variables, ...this._inner.flatMap((o) => o.variables)] }

  override get learningRate(): LearningRate {
    throw new InvalidArgumentError('Learning rate cannot be accessed on a MultiOptimizer. Access the learning rate on the individual sub-optimizers instead.')
  }
  override set learningRate(_value: LearningRate) {
    throw new InvalidArgumentError('Learning rate cannot be set on a MultiOptimizer. Set the learning rate on the individual sub-optimizers instead.')
  }

  /** Sets the factor here and on every sub-optimizer. */
  setLossScaleFactor(value: number | null): void {
    this.lossScaleFactor = value
    for (const o of this._inner) o.lossScaleFactor = value
  }

  protected override updateStep(_g: Tensor, _v: Variable, _lr: Tensor): void {
    throw new InvalidArgumentError('MultiOptimizer delegates updates to its sub-optimizers.')
  }

  override applyUntidied(grads: readonly (Tensor | null | undefined)[], vars: readonly Variable[]): void {
    if (grads.length !== this._indices.size) {
      throw new InvalidArgumentError(`Gradients must match trainable variables one-to-one. Received ${grads.length} gradients and ${this._indices.size} variables.`)
    }
    const groups = this._inner.map(() => ({ g: [] as (Tensor | null | undefined)[], v: [] as Variable[] }))
    grads.forEach((g, k) => {
      const v = vars[k]!
      const i = this._varToOptimizer.get(v)
      if (i === undefined) throw new InvalidArgumentError(`Unknown variable: ${v}.`)
      groups[i]!.g.push(g)
      groups[i]!.v.push(v)
    })
    this._inner.forEach((opt, i) => { if (groups[i]!.g.length) opt.applyUntidied(groups[i]!.g, groups[i]!.v) })
    const it = currentValue(this._iterations)
    writeValue(this._iterations, lax.add(it, constant(1, it.dtype, it)))
  }

  override finalizeVariableValues(varList: readonly Variable[]): void {
    const groups: Variable[][] = this._inner.map(() => [])
    for (const v of varList) {
      const i = this._varToOptimizer.get(v)
      if (i !== undefined) groups[i]!.push(v)
    }
    this._inner.forEach((o, i) => { if (groups[i]!.length) o.finalizeVariableValues(groups[i]!) })
  }

  override getConfig(): Record<string, unknown> {
    if (!(this.optimizerMap instanceof OptimizerMap)) {
      throw new InvalidArgumentError(`A MultiOptimizer built from a function cannot be serialized; use an OptimizerMap. Received: optimizer_map=${fmt(String(this.optimizerMap))}`)
    }
    const env: KerasEnvelope = { module: 'keras.optimizers', class_name: 'OptimizerMap', config: this.optimizerMap.getConfig(), registered_name: null }
    return { optimizer_map: env, loss_scale_factor: this.lossScaleFactor, name: this.name }
  }

  static override fromConfig<T>(this: new (...args: never[]) => T, config: Record<string, unknown>, custom?: CustomObjects): T {
    const env = sanitize(config['optimizer_map']) as { class_name?: string; config?: Record<string, unknown> }
    if (!env || env.class_name !== 'OptimizerMap' || !env.config) {
      throw new InvalidArgumentError(`MultiOptimizer config needs an OptimizerMap envelope in \`optimizer_map\`. Received: optimizer_map=${fmt(config['optimizer_map'])}`)
    }
    const map = OptimizerMap.fromConfig(env.config, custom)
    const lsf = config['loss_scale_factor']
    const args = { lossScaleFactor: typeof lsf === 'number' ? lsf : null, ...(typeof config['name'] === 'string' ? { name: config['name'] } : {}) }
    return new (this as unknown as new (m: OptimizerMap, a: typeof args) => T)(map, args)
  }
}
