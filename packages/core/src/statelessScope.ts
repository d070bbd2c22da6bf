/** @file StatelessScope: run code with variable values taken from a mapping and assignments recorded, not applied. */
import { InvalidArgumentError, fmt } from './errors.js'
import { keep } from './engine.js'
import { Tensor } from './tensor.js'
import { convertElementType } from './lax.js'
import { installVariableTraceHooks, type Variable, type VariableTraceHooks } from './variable.js'

/** Options of `new StatelessScope(...)` (Keras `StatelessScope(state_mapping, collect_losses)`). */
export interface StatelessScopeOptions {
  /** `[variable, value]` pairs: reads of `variable` inside the scope return `value`. */
  readonly stateMapping?: Iterable<readonly [Variable, Tensor]>
  /** Whether `addLoss` calls inside the scope are collected in `losses` (default false: dropped). */
  readonly collectLosses?: boolean
}

let active: StatelessScope | undefined

/**
 * A scope in which variable reads come from a mapping and `assign`s are recorded instead of applied
 * (Keras `keras.StatelessScope`), so a function of variables runs without side effects. Unmapped
 * variables read their current value (or, inside `trace`, the enclosing trace's placeholder).
 *
 * When to use: pure calls of stateful code — `layer.statelessCall`, functional training loops that
 * carry variable values explicitly, jitted functions that must not touch model state.
 *
 * @example
 * ```ts
 * const v = new Variable({ initializer: [1, 2] })
 * const scope = new StatelessScope({ stateMapping: [[v, tensor([10, 20])]] })
 * scope.run(() => v.assign(lax.add(v.value, tensor([1, 1])))) // v itself is untouched
 * await scope.getCurrentValue(v)!.array() // [11, 21]
 * ```
 */
export class StatelessScope {
  /** Whether `addLoss` calls inside the scope are collected in `losses`. */
  readonly collectLosses: boolean
  /** Losses added (by layers' `addLoss`) while the scope was active, when `collectLosses`. */
  readonly losses: Tensor[] = []
  private readonly mapping = new Map<Variable, Tensor>()
  private readonly assigned = new Map<Variable, Tensor>()

  constructor(options: StatelessScopeOptions = {}) {
    this.collectLosses = options.collectLosses ?? false
    for (const [v, value] of options.stateMapping ?? []) {
      if (!(value instanceof Tensor)) throw new InvalidArgumentError(`StatelessScope: every state_mapping value must be a Tensor. Received: value=${fmt(String(value))} for variable ${fmt(v.path)}`)
      if (value.shape.length !== v.shape.length || value.shape.some((d, i) => d !== v.shape[i])) {
        throw new InvalidArgumentError(`StatelessScope: the value for variable "${v.path}" has the wrong shape. Received: value.shape=${fmt(value.shape)}, variable.shape=${fmt(v.shape)}`)
      }
      this.mapping.set(v, value.dtype === v.dtype ? value : convertElementType(value, v.dtype))
    }
  }

  /** The value `v` has inside the scope: its last assignment, its mapped value, or undefined (unmapped, unassigned). */
  getCurrentValue(v: Variable): Tensor | undefined { return this.assigned.get(v) ?? this.mapping.get(v) }

  /** Variables assigned inside the scope, with their new values (in first-assignment order). */
  get assignments(): ReadonlyMap<Variable, Tensor> { return this.assigned }

  /** Records a loss (called by `Layer.addLoss` while the scope is active). */
  addLoss(loss: Tensor): void { if (this.collectLosses) this.losses.push(loss) }

  /** Runs `fn` inside the scope (scopes nest; the innermost one records assignments). */
  run<T>(fn: () => T): T {
    const outerScope = active
    let outer: VariableTraceHooks | undefined
    const hooks: VariableTraceHooks = {
      read: (v) => this.getCurrentValue(v) ?? outer?.read(v),
      write: (v, value) => {
        // NOTE: eager values are kept so an enclosing `tidy` does not free state the caller gets back.
        this.assigned.set(v, value.isSymbolic ? value : keep(value))
        return true
      },
    }
    outer = installVariableTraceHooks(hooks)
    active = this
    try {
      return fn()
    } finally {
      active = outerScope
      installVariableTraceHooks(outer)
    }
  }
}

/**
 * The innermost active `StatelessScope`, or undefined (Keras `get_stateless_scope`).
 *
 * @example
 * ```ts
 * new StatelessScope().run(() => getStatelessScope() !== undefined) // true
 * ```
 */
export function getStatelessScope(): StatelessScope | undefined { return active }

/**
 * Whether a `StatelessScope` is active (Keras `in_stateless_scope`).
 *
 * @example
 * ```ts
 * inStatelessScope() // false
 * ```
 */
export function inStatelessScope(): boolean { return active !== undefined }
