/** @file LossScaleOptimizer: dynamic loss scaling around another optimizer (Keras `keras.optimizers.LossScaleOptimizer`). */
import { InvalidArgumentError, Tensor, Variable, fmt, lax } from '@kx/core'
import type { CustomObjects } from '@kx/layers'
import { Optimizer, currentValue, deferWrites, writeValue, type LearningRate } from './Optimizer.js'
import { deserializeOptimizer, serializeOptimizer } from './registry.js'
import { cast, where } from '@kx/ops-numpy'
import { constant, like, mulS } from './math.js'

/** Options of `LossScaleOptimizer`. */
export interface LossScaleOptimizerArgs {
  /** Starting loss scale (default 2**15). */
  readonly initialScale?: number
  /** Steps with finite gradients before the scale doubles (default 2000). */
  readonly dynamicGrowthSteps?: number
  readonly name?: string
}

const BASE_DEFAULTS: Readonly<Record<string, unknown>> = {
  weight_decay: null, clipnorm: null, global_clipnorm: null, clipvalue: null, use_ema: false, ema_momentum: 0.99,
  ema_overwrite_frequency: null, loss_scale_factor: null, gradient_accumulation_steps: null,
}

/**
 * Wraps an optimizer with dynamic loss scaling: the trainer multiplies the loss by the scale
 * (`scaleLoss`), gradients are divided by it; a step with non-finite gradients is skipped and halves the
 * scale, and `dynamicGrowthSteps` finite steps in a row double it.
 *
 * @example
 * ```ts
 * const opt = new LossScaleOptimizer(new Adam(), { initialScale: 2 ** 15 })
 * ```
 */
export class LossScaleOptimizer extends Optimizer {
  static override readonly className: string = 'LossScaleOptimizer'
  readonly innerOptimizer: Optimizer
  readonly initialScale: number
  readonly dynamicGrowthSteps: number
  stepCounter: Variable | undefined
  dynamicScale: Variable | undefined

  constructor(innerOptimizer: Optimizer, args: LossScaleOptimizerArgs = {}) {
    super({ learningRate: 0.0, ...(args.name !== undefined ? { name: args.name } : {}) })
    this.innerOptimizer = innerOptimizer
    this.initialScale = args.initialScale ?? 2 ** 15
    this.dynamicGrowthSteps = args.dynamicGrowthSteps ?? 2000
    // the inner optimizer must not unscale a second time
    this.innerOptimizer.lossScaleFactor = null
  }

  override build(variables: readonly Variable[]): void {
    if (this.built) return
    this.stepCounter = this.addVariable([], { name: 'step_counter', dtype: 'int32', initializer: 0 })
    this.dynamicScale = this.addVariable([], { name: 'dynamic_scale', dtype: 'float32', initializer: this.initialScale })
    this.innerOptimizer.build(variables)
    super.build(variables)
  }

  /** Own variables (iteration, learning_rate, step_counter, dynamic_scale), then the inner optimizer's. */
  override get variables(): Variable[] { return [...this._variables, ...this.innerOptimizer.variables] }
  /** The inner optimizer's iteration counter. */
  override get iterations(): Variable { return this.innerOptimizer.iterations }
  override get learningRate(): LearningRate { return this.innerOptimizer.learningRate }
  override set learningRate(value: LearningRate) { this.innerOptimizer.learningRate = value }

  protected override updateStep(): void {
    throw new InvalidArgumentError('LossScaleOptimizer delegates updates to its inner optimizer.')
  }

  /** Unscales, applies the inner optimizer when every gradient is finite, and updates the scale. */
  override applyUntidied(grads: readonly (Tensor | null | undefined)[], vars: readonly Variable[]): void {
    const stepCounter = this.stepCounter!
    const dynamicScale = this.dynamicScale!
    let finite: Tensor | undefined
    for (const g of grads) {
      if (!g) continue
      const f = lax.unary('is_finite', g)
      const all = f.shape.length ? lax.reduce('reduce_and', f, f.shape.map((_, i) => i)) : f
      finite = finite ? lax.binary('and', finite, all) : all
    }
    if (!finite) throw new InvalidArgumentError('No gradients provided for any variable.')
    const scale = currentValue(dynamicScale)
    const unscaled = grads.map((g, i) => {
      if (!g || (vars[i] as { overwriteWithGradient?: boolean } | undefined)?.overwriteWithGradient === true) return g
      return lax.div(g, like(g, scale))
    })
    // NOTE: the inner update is computed every step and kept only when the gradients are finite.
    const writes = deferWrites(() => this.innerOptimizer.applyUntidied(unscaled, vars))
    for (const [v, value] of writes) writeValue(v, where(finite, value, currentValue(v)))
    const count = currentValue(stepCounter)
    const grow = lax.eq(count, constant(this.dynamicGrowthSteps - 1, count.dtype, count))
    const zero = constant(0, count.dtype, count)
    const newCount = lax.select(finite, lax.select(grow, zero, lax.add(count, constant(1, count.dtype, count))), zero)
    const newScale = lax.select(finite, lax.select(grow, mulS(scale, 2), scale), mulS(scale, 0.5))
    writeValue(stepCounter, newCount)
    writeValue(dynamicScale, newScale)
  }

  /** Multiplies the loss by the current scale (the initial scale before the first step). */
  override scaleLoss(loss: Tensor): Tensor {
    if (!this.built) return mulS(loss, this.initialScale)
    return lax.mul(loss, like(loss, cast(currentValue(this.dynamicScale!), loss.dtype)))
  }

  override finalizeVariableValues(varList: readonly Variable[]): void { this.innerOptimizer.finalizeVariableValues(varList) }

  override getConfig(): Record<string, unknown> {
    return {
      name: this.name,
      inner_optimizer: serializeOptimizer(this.innerOptimizer),
      initial_scale: this.initialScale,
      dynamic_growth_steps: this.dynamicGrowthSteps,
    }
  }

  static override fromConfig<T>(this: new (...args: never[]) => T, config: Record<string, unknown>, custom?: CustomObjects): T {
    const c = { ...config }
    if (c['dynamic'] === false) {
      throw new InvalidArgumentError('LossScaleOptimizer no longer supports `dynamic=False`. Instead, simply set `loss_scale_factor` directly on the `inner_optimizer`.')
    }
    delete c['dynamic']
    for (const [k, d] of Object.entries(BASE_DEFAULTS)) {
      if (!(k in c)) continue
      if (c[k] !== d) throw new InvalidArgumentError(`LossScaleOptimizer does not support \`${k}\`. Instead, set \`${k}\` on the \`inner_optimizer\`. Received: ${k}=${fmt(c[k])}`)
      delete c[k]
    }
    const inner = deserializeOptimizer(c['inner_optimizer'], custom)
    const known = new Set(['inner_optimizer', 'initial_scale', 'dynamic_growth_steps', 'name'])
    const unknown = Object.keys(c).filter((k) => !known.has(k))
    if (unknown.length) throw new InvalidArgumentError(`LossScaleOptimizer does not support arguments: \`${unknown.join('`, `')}\`.`)
    const args: LossScaleOptimizerArgs = {
      ...(typeof c['initial_scale'] === 'number' ? { initialScale: c['initial_scale'] } : {}),
      ...(typeof c['dynamic_growth_steps'] === 'number' ? { dynamicGrowthSteps: c['dynamic_growth_steps'] } : {}),
      ...(typeof c['name'] === 'string' ? { name: c['name'] } : {}),
    }
    return new (this as unknown as new (inner: Optimizer, a: LossScaleOptimizerArgs) => T)(inner, args)
  }
}
