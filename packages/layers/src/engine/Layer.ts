/** @file Layer: Keras 3's unit of state + computation (build on first call, weights, symbolic calls, masks, configs). */
import {
  InvalidArgumentError, KerasTensor, SeedGenerator, StatelessScope, Tensor, Variable, full, getStatelessScope, lax, tidy, withAutocast,
  isFloat, isTracing, treeFlatten, treeUnflatten, fmt, type DType, type Dim, type NestedArray, type TypedArray,
} from '@kx/core'
import { DTypePolicy, getDtypePolicy, serializeDtypePolicy } from './dtypePolicy.js'
import { InputSpec, assertInputCompatibility } from './InputSpec.js'
import { toSnakeCase, uniqueName } from './naming.js'
import { Node, type KerasHistory } from './Node.js'
import { currentTraining, getKerasMask, inCallContext, setKerasMask, withCallContext } from './context.js'
import { getRegularizerHooks } from './hooks.js'
import type { Regularizer, RegularizerIdentifier } from '../regularizers/regularizers.js'
import { StringArray, isStringValue, stringInputError } from './strings.js'

/** Constructor options shared by all layers (camelCased Keras arguments). */
export interface LayerArgs {
  readonly name?: string
  readonly trainable?: boolean
  /** A dtype name, `"mixed_float16"`, `"mixed_bfloat16"`, or a DTypePolicy. */
  readonly dtype?: string | DTypePolicy | null
  readonly autocast?: boolean
  /** Keras 2 style shortcut for the first layer of a Sequential model. */
  readonly inputShape?: readonly Dim[]
  readonly batchSize?: number
  readonly batchInputShape?: readonly Dim[]
  readonly inputDim?: number
  /**
   * A regularizer applied to every output of each eager call, added to `losses` divided by the batch
   * size (Keras `activity_regularizer`): a name (`'l2'`), a config envelope, or a Regularizer.
   */
  readonly activityRegularizer?: RegularizerIdentifier
}

/** Options of a layer call. */
export interface CallOptions {
  readonly training?: boolean
  readonly mask?: unknown
  readonly [key: string]: unknown
}

/** Options of `addWeight` (Keras `add_weight`). */
export interface AddWeightOptions {
  readonly shape: readonly number[]
  /** A function `(shape, dtype) => Tensor`, or any object with `apply(shape, dtype)` (an Initializer). */
  readonly initializer?: ((shape: readonly number[], dtype: DType) => Tensor) | { apply(shape: readonly number[], dtype: DType): Tensor }
  readonly dtype?: DType
  readonly trainable?: boolean
  readonly regularizer?: { apply(x: Tensor): Tensor } | null
  readonly constraint?: { apply(x: Tensor): Tensor } | null
  readonly name?: string
}

/** Options of `statelessCall`: call options plus `returnLosses`. */
export interface StatelessCallOptions extends CallOptions {
  /** Also return the losses added during the call (activity and weight regularization). */
  readonly returnLosses?: boolean
}

/** Shapes of a (possibly nested) input: a shape, a list of shapes, or a dict of shapes. */
export type ShapeLike = readonly Dim[] | readonly (readonly Dim[])[] | { readonly [k: string]: readonly Dim[] }

const isTensor = (v: unknown): v is Tensor => v instanceof Tensor
// NOTE: a call's leaves are tensors or, on the string edges of a Functional graph, StringArrays.
const isCallLeaf = (v: unknown): v is Tensor | StringArray => v instanceof Tensor || v instanceof StringArray

/** Losses recorded so far by any layer (lets `clearLosses` skip walking a tree that has none). */
let lossesAdded = 0

/**
 * The base class of layers. Subclasses set up config in the constructor, create weights in
 * `build(inputShape)` with `addWeight`, and compute in `call(inputs, options)`. Call a layer with
 * `apply()`: concrete tensors run it, `KerasTensor`s build a Functional graph.
 *
 * @example
 * ```ts
 * class Scale extends Layer {
 *   scale!: Variable
 *   override build(shape: Dim[]) { this.scale = this.addWeight({ shape: [shape.at(-1) as number], initializer: 'ones', name: 'scale' }) }
 *   override call(x: Tensor) { return ops.multiply(x, this.scale.value) }
 * }
 * ```
 */
export class Layer {
  name: string
  built = false
  supportsMasking = false
  inputSpec: InputSpec | readonly InputSpec[] | null = null
  readonly dtypePolicy: DTypePolicy
  readonly autocast: boolean
  /** Shape given by `inputShape`/`batchInputShape` (for the first layer of a Sequential). */
  readonly batchInputShape: readonly Dim[] | undefined
  /** @internal */ readonly inboundNodes: Node[] = []
  /** @internal */ readonly outboundNodes: Node[] = []
  /** @internal Shapes the layer was built with (Keras `build_config`). */ buildShapes: unknown
  private _trainable: boolean
  private readonly _ownTrainable: Variable[] = []
  private readonly _ownNonTrainable: Variable[] = []
  private readonly _regularizers: { variable: Variable; regularizer: { apply(x: Tensor): Tensor } }[] = []
  private _losses: Tensor[] = []
  /** Losses this layer added inside a loss-collecting StatelessScope (Keras `_loss_ids`). */
  private readonly _scopeLosses = new Set<Tensor>()
  /** The regularizer of the outputs (Keras `activity_regularizer`); applied by `apply()` for every layer class. */
  readonly activityRegularizer: Regularizer | null

  constructor(args: LayerArgs = {}) {
    this.name = args.name ?? uniqueName(toSnakeCase(new.target.name))
    if (typeof this.name !== 'string' || this.name.includes('/')) {
      throw new InvalidArgumentError(`Layer names must be strings without "/". Received: name=${fmt(args.name)}`)
    }
    this._trainable = args.trainable ?? true
    this.dtypePolicy = getDtypePolicy(args.dtype ?? undefined)
    this.autocast = args.autocast ?? true
    this.activityRegularizer = resolveRegularizer(args.activityRegularizer, this.name)
    if (args.batchInputShape) this.batchInputShape = args.batchInputShape
    else if (args.inputShape) this.batchInputShape = [args.batchSize ?? null, ...args.inputShape]
    else if (args.inputDim !== undefined) this.batchInputShape = [args.batchSize ?? null, args.inputDim]
  }

  /**
   * Whether the layer takes string data (`dtype: 'string'` KerasTensors and `StringArray`s): true for
   * the string preprocessing layers, which override it; any other layer rejects strings with a DTypeError.
   */
  get takesStrings(): boolean { return false }

  /** Keras's class name used in configs (the JS class name). */
  get className(): string { return (this.constructor as { className?: string }).className ?? this.constructor.name }
  get computeDtype(): DType { return this.dtypePolicy.computeDtype }
  get variableDtype(): DType { return this.dtypePolicy.variableDtype }
  /** Keras's `layer.dtype` (the variable dtype). */
  get dtype(): DType { return this.dtypePolicy.variableDtype }

  /** Whether the layer trains; freezing a layer freezes its variables and sub-layers, as in Keras 3. */
  get trainable(): boolean { return this._trainable }
  set trainable(value: boolean) {
    this._trainable = value
    for (const v of this._ownTrainable) v.trainable = value
    for (const l of this.trackedLayers()) l.trainable = value
  }

  /** Sub-layers held in attributes, arrays, plain objects or Maps (tracked by reflection, in attribute order). */
  trackedLayers(): Layer[] {
    const out: Layer[] = []
    const seen = new Set<Layer>()
    const visit = (v: unknown, depth: number): void => {
      if (v instanceof Layer) { if (v !== this && !seen.has(v)) { seen.add(v); out.push(v) } return }
      if (depth > 2 || v === null || typeof v !== 'object') return
      if (Array.isArray(v)) for (const x of v) visit(x, depth + 1)
      else if (v instanceof Map) for (const x of v.values()) visit(x, depth + 1)
      else if (Object.getPrototypeOf(v) === Object.prototype) for (const x of Object.values(v)) visit(x, depth + 1)
    }
    for (const key of Object.keys(this)) {
      if (key === 'inboundNodes' || key === 'outboundNodes' || key.startsWith('_')) continue
      visit((this as Record<string, unknown>)[key], 0)
    }
    return out
  }

  /** Sub-layers (Keras `layer._layers`). */
  get layers(): Layer[] { return this.trackedLayers() }

  /** Trainable variables of this layer and its sub-layers (empty when the layer is frozen). */
  get trainableWeights(): Variable[] { return this._trainable ? this.weights.filter((v) => v.trainable) : [] }
  /** Non-trainable variables (every variable of a frozen layer). */
  get nonTrainableWeights(): Variable[] { return this._trainable ? this.weights.filter((v) => !v.trainable) : this.weights }
  /** All weights: own (created trainable first, then non-trainable), then sub-layers' (Keras order). */
  get weights(): Variable[] {
    const out = [...this._ownTrainable, ...this._ownNonTrainable]
    for (const l of this.trackedLayers()) out.push(...l.weights)
    return dedupe(out)
  }
  /** Alias of `weights` (Keras `variables`, less seed/metric state). */
  get variables(): Variable[] { return this.weights }
  /** This layer's own variables in creation order, trainable then non-trainable (the saving order). */
  get ownVariables(): Variable[] { return [...this._ownTrainable, ...this._ownNonTrainable] }

  /**
   * Creates a weight (Keras `add_weight`). Call it from `build`.
   */
  addWeight(options: AddWeightOptions): Variable {
    const dtype = options.dtype ?? this.variableDtype
    const init = options.initializer ?? defaultInitializer(dtype)
    const make = typeof init === 'function' ? init : (s: readonly number[], d: DType) => init.apply(s, d)
    const name = options.name ?? `variable_${this.ownVariables.length}`
    const constraint = options.constraint
    const v = new Variable({
      initializer: tidy(() => make(options.shape, dtype)),
      shape: options.shape,
      dtype,
      trainable: options.trainable ?? true,
      name,
      ...(constraint ? { constraint: (x: Tensor) => constraint.apply(x) } : {}),
    })
    v.path = `${this.name}/${name}`
    if (v.trainable) this._ownTrainable.push(v)
    else this._ownNonTrainable.push(v)
    if (options.regularizer) this._regularizers.push({ variable: v, regularizer: options.regularizer })
    return v
  }

  /** Creates the layer's weights for an input shape. Override it; call `super.build(shape)` or set `built`. */
  build(inputShape: ShapeLike): void {
    void inputShape
    this.built = true
  }

  /** The computation. Override it. */
  call(inputs: unknown, options: CallOptions = {}): unknown {
    void options
    return inputs
  }

  /** Output mask (Keras `compute_mask`): passes the mask through when the layer supports masking. */
  computeMask(inputs: unknown, mask: unknown): unknown {
    void inputs
    return this.supportsMasking ? (mask ?? null) : null
  }

  /** Output shape for an input shape, by a symbolic call (override for speed or when `call` can't run symbolically). */
  computeOutputShape(inputShape: ShapeLike): unknown {
    const spec = treeMapShapes(inputShape, (s) => new KerasTensor(s, this.computeDtype))
    const out = this.computeOutputSpec(spec)
    const [leaves, def] = treeFlatten(out, isTensor)
    return treeUnflatten(def, leaves.map((t) => (t as KerasTensor).symbolicShape.slice()))
  }

  /** Output KerasTensor(s) for KerasTensor input(s), by running `call` symbolically. */
  computeOutputSpec(inputs: unknown, options: CallOptions = {}): unknown {
    this.maybeBuild(inputs)
    return this.call(inputs, options)
  }

  /**
   * Calls the layer (Keras `__call__`): checks the input spec, builds on first call, autocasts
   * float inputs to the compute dtype, propagates masks and the training flag, and — on
   * `KerasTensor` inputs — records a node of the Functional graph.
   */
  apply(inputs: unknown, options: CallOptions = {}): any {
    const [flat, def] = treeFlatten(inputs, isCallLeaf)
    if (flat.length === 0) throw new InvalidArgumentError(`Layer "${this.name}" must be called on tensors. Received: inputs=${fmt(inputs)}`)
    if (!this.takesStrings) { const s = flat.find(isStringValue); if (s) throw stringInputError(this, s.shape) }
    this.checkInputSpec(flat)
    this.maybeBuild(inputs)
    const castFlat = this.autocast ? flat.map((t) => (t instanceof Tensor && isFloat(t.dtype) && t.dtype !== this.computeDtype && isFloat(this.computeDtype) ? lax.convertElementType(t, this.computeDtype) : t)) : flat
    const callInputs = treeUnflatten(def, castFlat)
    let mask = options.mask
    if (mask === undefined) {
      const masks = flat.map((t) => getKerasMask(t) ?? null)
      if (masks.some((m) => m !== null)) mask = flat.length === 1 && !Array.isArray(inputs) ? masks[0] : masks
    }
    const training = options.training ?? currentTraining()
    const callOptions: CallOptions = { ...options, ...(training !== undefined ? { training } : {}), ...(mask !== undefined ? { mask } : {}) }
    const symbolic = flat.some((t) => t.isSymbolic)
    const policyDtype = this.computeDtype !== this.variableDtype ? this.computeDtype : undefined
    // Keras's entry call (no call in progress) starts from no losses; nested calls add to them.
    if (!inCallContext()) this.clearLosses()
    let outputs = withCallContext(training, () => withAutocast(policyDtype, () => this.call(callInputs, callOptions)))
    if (this.activityRegularizer) this.addActivityLosses(outputs)
    // NOTE: a symbolic call that returns one of its inputs (Dropout at inference, Identity) must still
    // produce a new KerasTensor, or the node's output would overwrite its input's history (not while
    // tracing: a fresh KerasTensor is not computed from the traced inputs, so export would fail).
    if (symbolic && !isTracing()) {
      const [outs, outDef] = treeFlatten(outputs, isTensor)
      if (outs.some((o) => flat.includes(o) || castFlat.includes(o))) {
        outputs = treeUnflatten(outDef, outs.map((o) => (flat.includes(o) || castFlat.includes(o) ? new KerasTensor((o as KerasTensor).symbolicShape, o.dtype) : o)))
      }
    }
    if (this.supportsMasking || mask !== undefined) {
      const outMask = this.computeMask(callInputs, mask ?? null)
      const [outs] = treeFlatten(outputs, isTensor)
      const [outMasks] = treeFlatten(outMask, isTensor)
      outs.forEach((o, i) => setKerasMask(o, outMasks.length === outs.length ? outMasks[i] : outMasks[0] ?? null))
    }
    if (symbolic) this.recordNode(inputs, flat, outputs, options)
    return outputs
  }

  /** @internal Builds the layer from its first inputs' shapes. */
  maybeBuild(inputs: unknown): void {
    if (this.built) return
    const shapes = treeMapTensors(inputs, (t) => (t instanceof KerasTensor ? t.symbolicShape.slice() : t.shape.slice()))
    this.buildShapes = shapes
    this.build(shapes as ShapeLike)
    this.built = true
  }

  private checkInputSpec(flat: readonly { readonly shape: readonly (number | null)[] }[]): void {
    if (!this.inputSpec) return
    const specs = Array.isArray(this.inputSpec) ? this.inputSpec : [this.inputSpec]
    if (Array.isArray(this.inputSpec) && specs.length !== flat.length) {
      throw new InvalidArgumentError(`Layer "${this.name}" expects ${specs.length} input(s), but it received ${flat.length} input tensors.`)
    }
    specs.forEach((s, i) => { if (flat[i]) assertInputCompatibility(s as InputSpec, flat[i]!.shape as readonly Dim[], this.name, i) })
  }

  private recordNode(inputs: unknown, flat: readonly (Tensor | StringArray)[], outputs: unknown, options: CallOptions): void {
    const [outs] = treeFlatten(outputs, isTensor)
    const kwargs: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(options)) if (k !== 'training' && v !== undefined && k !== 'mask') kwargs[k] = v
    // Tensors passed as options (initialState, attentionMask…) are graph inputs of the node too.
    const [kwTensors] = treeFlatten(kwargs, isTensor)
    const kts = [...flat, ...kwTensors].filter((t): t is KerasTensor => t instanceof KerasTensor)
    const node = new Node(this, inputs, kwargs, kts, outs as KerasTensor[])
    const nodeIndex = this.inboundNodes.length
    this.inboundNodes.push(node)
    outs.forEach((o, i) => { (o as KerasTensor).kerasHistory = { layer: this, nodeIndex, tensorIndex: i } satisfies KerasHistory })
    for (const t of kts) (t.kerasHistory as KerasHistory | undefined)?.layer.outboundNodes.push(node)
  }

  /**
   * Adds a loss tensor from `call` (Keras `add_loss`); collected by `losses` until the next entry call.
   * Inside a `StatelessScope` the loss goes to the scope (when it collects losses) and the layer is untouched.
   */
  addLoss(loss: Tensor): void {
    lossesAdded++
    const scope = getStatelessScope()
    if (!scope) { this._losses.push(loss); return }
    if (scope.collectLosses) { scope.addLoss(loss); this._scopeLosses.add(loss) }
  }

  /** Regularization losses: losses added during the last call plus weight regularizers, own then sub-layers'. */
  get losses(): Tensor[] {
    const scope = getStatelessScope()
    const out: Tensor[] = scope ? scope.losses.filter((l) => this._scopeLosses.has(l)) : [...this._losses]
    for (const { variable, regularizer } of this._regularizers) out.push(regularizer.apply(variable.value))
    for (const l of this.trackedLayers()) out.push(...l.losses)
    return out
  }
  /** Clears losses added during calls (not weight regularizers); inside a StatelessScope, this layer's losses in the scope. */
  clearLosses(): void {
    const scope = getStatelessScope()
    // NOTE: no loss added anywhere since this layer's last clear: nothing to walk (every model call clears).
    if (!scope && this._clearedAt === lossesAdded) return
    if (scope?.collectLosses) {
      const kept = scope.losses.filter((l) => !this._scopeLosses.has(l))
      scope.losses.splice(0, scope.losses.length, ...kept)
    }
    this._losses = []
    this._scopeLosses.clear()
    for (const l of this.trackedLayers()) l.clearLosses()
    if (!scope) this._clearedAt = lossesAdded
  }
  /** @internal The loss count when this layer's subtree was last cleared (-1: never). */
  private _clearedAt = -1

  /**
   * Adds `activityRegularizer(output) / batch` for each concrete output (Keras's `__call__`; the batch is
   * the first dimension, a scalar output is not divided, and an empty batch gives 0 like `divide_no_nan`).
   */
  private addActivityLosses(outputs: unknown): void {
    const [flat] = treeFlatten(outputs, isTensor)
    for (const out of flat) {
      if (out.isSymbolic && !isTracing()) continue
      let loss = this.activityRegularizer!.apply(out)
      if (out.shape.length > 0) {
        const batch = out.shape[0] as number
        loss = batch === 0 ? lax.mul(loss, full([], 0, loss.dtype)) : lax.div(loss, full([], batch, loss.dtype))
      }
      this.addLoss(loss)
    }
  }

  /** Trainable variables (Keras `trainable_variables`; the same list as `trainableWeights`). */
  get trainableVariables(): Variable[] { return this.trainableWeights }
  /**
   * Non-trainable state (Keras `non_trainable_variables`): non-trainable weights plus the state of
   * random seed generators held in attributes, per layer, sub-layers after their parent.
   */
  get nonTrainableVariables(): Variable[] {
    const all = dedupe(this.statefulVariables())
    return this._trainable ? all.filter((v) => !v.trainable) : all
  }
  /** @internal Own weights, own seed-generator states, then sub-layers' (Keras `variables` order). */
  statefulVariables(): Variable[] {
    const out: Variable[] = [...this._ownTrainable, ...this._ownNonTrainable]
    for (const key of Object.keys(this)) {
      const v = (this as Record<string, unknown>)[key]
      if (v instanceof SeedGenerator) out.push(v.state)
    }
    for (const l of this.trackedLayers()) out.push(...l.statefulVariables())
    return out
  }

  /**
   * Calls the layer without side effects (Keras `stateless_call`): variables read the given values,
   * assignments (BatchNormalization statistics, seed-generator state) are returned instead of applied,
   * and added losses are returned with `returnLosses`. Like Keras it runs `call()` directly (no build,
   * autocast or activity regularizer of this layer itself; nested layers run their full `apply`).
   * Works eagerly, under `jit`, and under `valueAndGrad` with respect to `trainableVariables`.
   *
   * @param trainableVariables - values for `this.trainableVariables`, in that order
   * @param nonTrainableVariables - values for `this.nonTrainableVariables`, in that order
   * @returns `[outputs, newNonTrainableVariables]`, plus `losses` with `returnLosses: true`
   *
   * @example
   * ```ts
   * const tv = model.trainableVariables.map((v) => v.value)
   * const ntv = model.nonTrainableVariables.map((v) => v.value)
   * const [y, newNtv] = model.statelessCall(tv, ntv, x, { training: true })
   * model.nonTrainableVariables.forEach((v, i) => v.assign(newNtv[i]!)) // commit the state when wanted
   * ```
   */
  statelessCall(trainableVariables: readonly Tensor[], nonTrainableVariables: readonly Tensor[], inputs: unknown, options?: StatelessCallOptions & { readonly returnLosses?: false }): [any, Tensor[]]
  /** With `returnLosses: true`: `[outputs, newNonTrainableVariables, losses]`. */
  statelessCall(trainableVariables: readonly Tensor[], nonTrainableVariables: readonly Tensor[], inputs: unknown, options: StatelessCallOptions & { readonly returnLosses: true }): [any, Tensor[], Tensor[]]
  statelessCall(trainableVariables: readonly Tensor[], nonTrainableVariables: readonly Tensor[], inputs: unknown, options: StatelessCallOptions = {}): [any, Tensor[]] | [any, Tensor[], Tensor[]] {
    if (!this.built) {
      throw new InvalidArgumentError(`To call statelessCall, ${this.className} must be built (its variables must already exist). Build it by calling it on some data. Received: layer "${this.name}" (built=false)`)
    }
    const tvars = this.trainableVariables
    const ntvars = this.nonTrainableVariables
    for (const [what, given, expected] of [['trainableVariables', trainableVariables, tvars], ['nonTrainableVariables', nonTrainableVariables, ntvars]] as const) {
      if (!Array.isArray(given) || given.length !== expected.length) {
        throw new InvalidArgumentError(`Argument \`${what}\` must be a list of tensors corresponding 1:1 to ${this.className}().${what}. Received: a list of length ${Array.isArray(given) ? given.length : fmt(given)}, expected ${expected.length} (layer "${this.name}")`)
      }
    }
    const { returnLosses = false, ...callOptions } = options
    const mapping: [Variable, Tensor][] = [...tvars.map((v, i): [Variable, Tensor] => [v, trainableVariables[i]!]), ...ntvars.map((v, i): [Variable, Tensor] => [v, nonTrainableVariables[i]!])]
    const scope = new StatelessScope({ stateMapping: mapping, collectLosses: returnLosses })
    let losses: Tensor[] = []
    const outputs = scope.run(() => {
      if (!inCallContext()) this.clearLosses()
      const training = callOptions.training ?? currentTraining()
      const out = withCallContext(training, () => this.call(inputs, training !== undefined ? { ...callOptions, training } : callOptions))
      if (returnLosses) losses = this.losses
      return out
    })
    const newState = ntvars.map((v, i) => scope.getCurrentValue(v) ?? nonTrainableVariables[i]!)
    return returnLosses ? [outputs, newState, losses] : [outputs, newState]
  }

  /** Weight values as nested arrays, in `weights` order (Keras `get_weights`). */
  async getWeights(): Promise<NestedArray[]> { return Promise.all(this.weights.map((w) => w.value.array())) }

  /** Sets weight values from tensors, nested arrays or typed arrays (`weights` order). */
  setWeights(values: readonly (Tensor | NestedArray | TypedArray)[]): void {
    const ws = this.weights
    if (values.length !== ws.length) {
      throw new InvalidArgumentError(`Layer "${this.name}" expects ${ws.length} weights, but setWeights received ${values.length}.`)
    }
    ws.forEach((w, i) => w.assign(toValueTensor(values[i]!, w)))
  }

  /** Snake_case config (Keras `get_config`). Subclasses extend it. */
  getConfig(): Record<string, unknown> {
    const c: Record<string, unknown> = { name: this.name, trainable: this.trainable, dtype: serializeDtypePolicy(this.dtypePolicy) }
    if (this.batchInputShape) c['batch_input_shape'] = this.batchInputShape.slice()
    // Keras's base config has `activity_regularizer` only when one is set.
    if (this.activityRegularizer) c['activity_regularizer'] = getRegularizerHooks()?.serialize(this.activityRegularizer) ?? null
    return c
  }

  /** Builds a layer from a config (Keras `from_config`): snake_case keys become camelCase options. */
  static fromConfig<T extends Layer>(this: new (args: any) => T, config: Record<string, unknown>): T {
    return new this(configToArgs(config))
  }

  /** Keras's `build_config` (shapes the layer was built with). */
  getBuildConfig(): Record<string, unknown> | null {
    return this.buildShapes === undefined ? null : { input_shape: this.buildShapes }
  }
  /** Builds from a `build_config`. */
  buildFromConfig(config: Record<string, unknown> | null | undefined): void {
    const shape = config?.['input_shape']
    if (shape !== undefined && !this.built) {
      this.buildShapes = shape
      this.build(shape as ShapeLike)
      this.built = true
    }
  }

  toString(): string { return `<${this.className} name=${this.name}, built=${this.built}>` }
}

function resolveRegularizer(id: RegularizerIdentifier, layer: string): Regularizer | null {
  if (id === null || id === undefined) return null
  const hooks = getRegularizerHooks()
  if (!hooks) throw new InvalidArgumentError(`Layer "${layer}": resolving activityRegularizer=${fmt(id)} needs the regularizers module; import \`regularizers\` from @kx/layers or pass a Regularizer instance.`)
  return hooks.get(id) as Regularizer | null
}

function dedupe(vs: Variable[]): Variable[] { return [...new Set(vs)] }

function defaultInitializer(dtype: DType): (shape: readonly number[], d: DType) => Tensor {
  // NOTE: Keras's default for add_weight is glorot_uniform for floats and zeros otherwise; the
  // initializers module replaces this with the real GlorotUniform via registerDefaultInitializer.
  return (shape, d) => (defaultInit ? defaultInit(shape, d) : zerosOf(shape, d ?? dtype))
}
let defaultInit: ((shape: readonly number[], dtype: DType) => Tensor) | undefined
/** @internal Installs the default weight initializer (glorot_uniform, from the initializers module). */
export function registerDefaultInitializer(fn: (shape: readonly number[], dtype: DType) => Tensor): void { defaultInit = fn }

function zerosOf(shape: readonly number[], dtype: DType): Tensor { return full(shape, 0, dtype) }

function toValueTensor(v: Tensor | NestedArray | TypedArray, w: Variable): Tensor {
  if (v instanceof Tensor) return v
  if (ArrayBuffer.isView(v)) return tensorOf(v as TypedArray, w)
  return tensorOfNested(v as NestedArray, w)
}
import { tensor as makeTensor } from '@kx/core'
function tensorOf(v: TypedArray, w: Variable): Tensor { return makeTensor(v, { shape: w.shape, dtype: w.dtype }) }
function tensorOfNested(v: NestedArray, w: Variable): Tensor { return makeTensor(v, { dtype: w.dtype }) }

/** snake_case → camelCase for the top-level keys of a config (nested envelopes are kept as they are). */
export function configToArgs(config: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(config)) {
    if (k === '__proto__' || k === 'constructor' || k === 'prototype') continue
    Object.defineProperty(out, k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()), { value: v, enumerable: true, writable: true, configurable: true })
  }
  return out
}

function treeMapTensors(value: unknown, fn: (t: Tensor | StringArray) => unknown): unknown {
  const [leaves, def] = treeFlatten(value, isCallLeaf)
  return treeUnflatten(def, leaves.map(fn))
}

const isShape = (v: unknown): v is readonly Dim[] => Array.isArray(v) && v.every((d) => d === null || typeof d === 'number')
function treeMapShapes(value: unknown, fn: (s: readonly Dim[]) => unknown): unknown {
  const [leaves, def] = treeFlatten(value, isShape)
  return treeUnflatten(def, leaves.map(fn))
}
