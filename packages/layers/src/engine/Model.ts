/**
 * @file Model (subclassable) and Functional models. Training methods come from a trainer plugin
 * (`@kx/trainers`), so layers never imports trainers. Model and Functional share a file because
 * `new Model({inputs, outputs})` returns a Functional, as in Keras.
 */
import { InvalidArgumentError, KerasTensor, NotImplementedError, Tensor, isTracing, treeFlatten, treeUnflatten, fmt, type TreeDef } from '@kx/core'
import { Layer, type CallOptions, type LayerArgs, type ShapeLike } from './Layer.js'
import { InputLayer } from './InputLayer.js'
import { type KerasHistory, type Node, historyOf } from './Node.js'
import { formatSummary, type SummaryOptions } from './summary.js'
import { getModelFileHooks, serializeModelHook, type ModelFileHooks } from './hooks.js'
import { StringArray, isStringValue, toInputValue } from './strings.js'
import type { SaveModelOptions, SaveWeightsOptions, LoadWeightsOptions } from '../saving/saveModel.js'
import type { SaveTarget, LoadSource } from '../saving/io.js'

/** Options of `new Model(...)`. */
export interface ModelArgs extends LayerArgs {
  readonly inputs?: unknown
  readonly outputs?: unknown
}

/**
 * The training API a trainer plugin provides. `@kx/trainers` implements it; install it with
 * `registerTrainer(...)` (the `@kx/keras` umbrella does this for you).
 */
export interface TrainerPlugin {
  compile(model: Model, options: Record<string, unknown>): void
  fit(model: Model, x: unknown, y?: unknown, options?: Record<string, unknown>): Promise<unknown>
  evaluate(model: Model, x: unknown, y?: unknown, options?: Record<string, unknown>): Promise<unknown>
  predict(model: Model, x: unknown, options?: Record<string, unknown>): Promise<unknown>
  trainOnBatch(model: Model, x: unknown, y?: unknown, options?: Record<string, unknown>): Promise<unknown>
  testOnBatch(model: Model, x: unknown, y?: unknown, options?: Record<string, unknown>): Promise<unknown>
  predictOnBatch(model: Model, x: unknown): Promise<unknown>
  computeLoss(model: Model, args: Record<string, unknown>): Tensor
  computeMetrics(model: Model, args: Record<string, unknown>): Record<string, unknown>
}

let trainer: TrainerPlugin | undefined

/**
 * The file I/O behind `Model.save/saveWeights/loadWeights`, installed by the package root. A hook, not an
 * `await import()`: esbuild keeps every export of a dynamically imported module that the bundle also
 * imports statically, which put the whole writer into `@kx/layers/saving` inference bundles.
 */
function fileHooks(method: string): ModelFileHooks {
  const h = getModelFileHooks()
  if (h) return h
  const fn = method === 'save' ? 'saveModel' : method
  throw new InvalidArgumentError(`Model.${method}() needs the model file I/O that the \`@kx/layers\` package root installs. Import the package root (\`@kx/layers\`) once, or call \`${fn}(model, path)\` from \`@kx/layers/saving\`. Received: Model.${method}() with only \`@kx/layers/saving\` loaded.`)
}

/** Installs the training implementation behind `Model.compile/fit/evaluate/predict`. */
export function registerTrainer(plugin: TrainerPlugin): void { trainer = plugin }
function needTrainer(method: string): TrainerPlugin {
  if (!trainer) {
    throw new InvalidArgumentError(`Model.${method}() needs the training package: install \`@kx/trainers\` and call \`registerTrainer(trainer)\` from it, or import \`@kx/keras\`, which does this.`)
  }
  return trainer
}

/** Options of `model.export(filepath, options)`: the format and the exporter's own options. */
export interface ModelExportOptions {
  /** `'onnx'` or `'openvino'`; omitted: taken from the file's extension (`.onnx`, `.xml`). */
  readonly format?: string
  readonly [option: string]: unknown
}

/** Writes a model to a deployment format: `@kx/export`'s `exportModel` (installed by `registerExporter`). */
export type ModelExporter = (model: Model, options: { readonly format: string; readonly path: string; readonly [option: string]: unknown }) => Promise<unknown>

let exporter: ModelExporter | undefined

/**
 * Installs the exporter behind `model.export` (the `@kx/keras` umbrella installs `@kx/export`'s).
 *
 * @example
 * ```ts
 * import { exportModel } from '@kx/export'
 * registerExporter((model, options) => exportModel(model, options as never))
 * ```
 */
export function registerExporter(fn: ModelExporter): void { exporter = fn }

const isTensor = (v: unknown): v is Tensor => v instanceof Tensor

/**
 * A Layer with training and saving APIs (Keras `keras.Model`). Subclass it (override `call`) or
 * pass `{inputs, outputs}` to get a Functional model.
 *
 * @example
 * ```ts
 * class MLP extends Model {
 *   dense = new Dense({ units: 10 })
 *   override call(x: Tensor) { return this.dense.apply(x) }
 * }
 * ```
 */
export class Model extends Layer {
  static readonly className: string = 'Model'
  /** Set by `compile` (trainer-owned state). */
  compiled: Record<string, unknown> | undefined
  /** Trainer-owned state (optimizer, metrics, compiled steps). */
  trainerState: Record<string, unknown> = {}
  stopTraining = false

  constructor(args: ModelArgs = {}) {
    super(args)
    if (args.inputs !== undefined && args.outputs !== undefined && new.target === Model) {
      // NOTE: like Keras's Model.__new__, Model(inputs, outputs) is a Functional model.
      return new Functional({ ...args, inputs: args.inputs, outputs: args.outputs, name: this.name }) as unknown as Model
    }
  }

  /**
   * Builds a subclassed model by calling it once on symbolic inputs of `inputShape` (Keras's
   * symbolic build), so its sub-layers create their weights.
   */
  override build(inputShape: ShapeLike): void {
    if (this.call !== Model.prototype.call && inputShape !== undefined && inputShape !== null) {
      const isShape = (v: unknown): v is readonly (number | null)[] => Array.isArray(v) && v.every((d) => d === null || typeof d === 'number')
      const [shapes, def] = treeFlatten(inputShape, isShape)
      this.call(treeUnflatten(def, shapes.map((sh) => new KerasTensor(sh, this.computeDtype))), { training: false })
    }
    this.built = true
  }

  /** The model's config envelope as a JSON string (Keras `to_json`); rebuild it with `modelFromJson`. */
  toJSON(): string {
    const write = serializeModelHook()
    if (!write) throw new InvalidArgumentError('model.toJSON() needs the config writer: import it from `@kx/layers` (serializeLayer).')
    return JSON.stringify(write(this))
  }

  /** Finds a layer by name or index (Keras `get_layer`). */
  getLayer(nameOrIndex: string | number): Layer {
    const layers = this.layers
    if (typeof nameOrIndex === 'number') {
      const l = layers[nameOrIndex]
      if (!l) throw new InvalidArgumentError(`Layer index out of range in getLayer. Received: index=${nameOrIndex}, number of layers=${layers.length}`)
      return l
    }
    const l = layers.find((x) => x.name === nameOrIndex)
    if (!l) throw new InvalidArgumentError(`No such layer: ${nameOrIndex}. Existing layers are: ${fmt(layers.map((x) => x.name))}. Received: name=${fmt(nameOrIndex)}`)
    return l
  }

  /**
   * Prints Keras's summary table (the same text as Keras 3's `model.summary(print_fn=...)`) with
   * `printFn` (default console.log) and returns it.
   */
  summary(options: SummaryOptions = {}): string {
    const text = formatSummary(this, options)
    ;(options.printFn ?? ((t: string) => console.log(t.replace(/\n$/, ''))))(text)
    return text
  }

  /**
   * Saves the model as a `.keras` archive (config, weights, optimizer state) — Keras `model.save`.
   * The zip/HDF5 helpers load lazily, so inference bundles that never save stay small. Needs the package
   * root imported (it installs the writer); with `@kx/layers/saving` alone, call its `saveModel`.
   *
   * @example
   * ```ts
   * await model.save('model.keras')
   * ```
   */
  async save(filepath: SaveTarget, options: SaveModelOptions = {}): Promise<void> {
    return fileHooks('save').save(this, filepath, options)
  }
  /**
   * Exports the model for inference to a deployment format (Keras `model.export(filepath, format)`):
   * `'onnx'` (a `.onnx` file) or `'openvino'` (`model.xml` + `model.bin`). Needs an exporter: import
   * `@kx/keras`, or `registerExporter` with `@kx/export`'s `exportModel`.
   *
   * @example
   * ```ts
   * await model.export('model.onnx')                          // format from the extension
   * await model.export('model.xml', { format: 'openvino' })
   * ```
   */
  async export(filepath: string, options: ModelExportOptions = {}): Promise<unknown> {
    const format = options.format ?? (/\.onnx$/i.test(filepath) ? 'onnx' : /\.xml$/i.test(filepath) ? 'openvino' : undefined)
    if (format === undefined) {
      throw new InvalidArgumentError(`Model.export(): cannot tell the format from the file name. Pass \`format: 'onnx'\` or \`format: 'openvino'\`. Received: filepath=${fmt(filepath)}`)
    }
    if (!exporter) {
      throw new InvalidArgumentError('Model.export() needs the export package: install `@kx/export` and call `registerExporter(...)` with its `exportModel`, or import `@kx/keras`, which does this.')
    }
    return exporter(this, { ...options, format, path: filepath })
  }
  /** Saves weights only (`.weights.h5`, or sharded `.weights.json`) — Keras `save_weights`. */
  async saveWeights(filepath: SaveTarget, options: SaveWeightsOptions = {}): Promise<void> {
    return fileHooks('saveWeights').saveWeights(this, filepath, options)
  }
  /** Loads weights saved by `saveWeights` or Keras (`.weights.h5`, `.keras`, legacy `.h5`) — Keras `load_weights`. */
  async loadWeights(filepath: LoadSource, options: LoadWeightsOptions = {}): Promise<void> {
    return fileHooks('loadWeights').loadWeights(this, filepath, options)
  }

  compile(options: Record<string, unknown> = {}): void { needTrainer('compile').compile(this, options) }
  fit(x: unknown, y?: unknown, options?: Record<string, unknown>): Promise<unknown> { return this.noStrings('fit') ?? needTrainer('fit').fit(this, x, y, options) }
  evaluate(x: unknown, y?: unknown, options?: Record<string, unknown>): Promise<unknown> { return this.noStrings('evaluate') ?? needTrainer('evaluate').evaluate(this, x, y, options) }
  predict(x: unknown, options?: Record<string, unknown>): Promise<unknown> { return needTrainer('predict').predict(this, x, options) }
  trainOnBatch(x: unknown, y?: unknown, options?: Record<string, unknown>): Promise<unknown> { return this.noStrings('trainOnBatch') ?? needTrainer('trainOnBatch').trainOnBatch(this, x, y, options) }
  testOnBatch(x: unknown, y?: unknown, options?: Record<string, unknown>): Promise<unknown> { return this.noStrings('testOnBatch') ?? needTrainer('testOnBatch').testOnBatch(this, x, y, options) }
  /** A rejection for the trainer's methods on a model with string inputs (its steps run on tensors only), or undefined. */
  private noStrings(method: string): Promise<never> | undefined {
    if (!this.takesStrings) return undefined
    return Promise.reject(new NotImplementedError(`Model.${method}() of model "${this.name}", which has string inputs, is not supported: training steps run on tensors. Map the strings to numbers first (run the string layers on the data, or a separate preprocessing model with \`predict\`), then ${method} a model on the numbers.`))
  }
  predictOnBatch(x: unknown): Promise<unknown> { return needTrainer('predictOnBatch').predictOnBatch(this, x) }
  computeLoss(args: Record<string, unknown>): Tensor { return needTrainer('computeLoss').computeLoss(this, args) }
  computeMetrics(args: Record<string, unknown>): Record<string, unknown> { return needTrainer('computeMetrics').computeMetrics(this, args) }
}

/**
 * A model defined by symbolic inputs and outputs (Keras `keras.Model(inputs, outputs)`).
 *
 * @example
 * ```ts
 * const x = Input({ shape: [4] })
 * const y = new Dense({ units: 2 }).apply(x)
 * const model = new Model({ inputs: x, outputs: y })
 * ```
 */
export class Functional extends Model {
  static override readonly className: string = 'Functional'
  readonly inputs: readonly KerasTensor[]
  readonly outputs: readonly KerasTensor[]
  /** @internal */ readonly inputStructure: TreeDef
  /** @internal */ readonly outputStructure: TreeDef
  /** @internal Nodes in execution order (inputs first). */ readonly nodes: readonly Node[]
  private readonly _layers: Layer[]
  private readonly _stringInputs: boolean

  constructor(args: ModelArgs & { inputs: unknown; outputs: unknown }) {
    super({ ...args, inputs: undefined, outputs: undefined })
    const [ins, inDef] = treeFlatten(args.inputs, isTensor)
    const [outs, outDef] = treeFlatten(args.outputs, isTensor)
    for (const t of [...ins, ...outs]) {
      if (!(t instanceof KerasTensor) || !historyOf(t)) {
        throw new InvalidArgumentError(`A Functional model's inputs and outputs must be KerasTensors produced by \`Input\` and layer calls. Received: ${fmt(String(t))}`)
      }
    }
    for (const t of ins) {
      if (!(historyOf(t)!.layer instanceof InputLayer)) {
        throw new InvalidArgumentError(`Model inputs must come from \`Input()\`. Received: a tensor produced by layer "${historyOf(t)!.layer.name}"`)
      }
    }
    this.inputs = ins as KerasTensor[]
    this._stringInputs = this.inputs.some(isStringValue)
    this.outputs = outs as KerasTensor[]
    this.inputStructure = inDef
    this.outputStructure = outDef
    this.nodes = topologicalNodes(this.outputs, new Set(this.inputs))
    const layers = kerasLayerOrder(this.inputs, this.outputs)
    this._layers = layers
    const names = new Set<string>()
    for (const l of layers) {
      if (names.has(l.name)) throw new InvalidArgumentError(`All layers of a model need unique names; "${l.name}" is used twice. Received: name=${fmt(l.name)}`)
      names.add(l.name)
    }
    this.built = true
  }

  /** True when an input has dtype `'string'`: the model then runs eagerly, with host strings on those edges. */
  get hasStringInputs(): boolean { return this._stringInputs }
  override get takesStrings(): boolean { return this.hasStringInputs }

  /** Every layer of the graph, inputs first (Keras `model.layers`). */
  override get layers(): Layer[] { return this._layers.slice() }
  override trackedLayers(): Layer[] { return this._layers.filter((l) => !(l instanceof InputLayer)) }

  override build(): void { this.built = true }

  /** Calls the model; string inputs may be nested JS arrays of strings (converted to StringArrays first). */
  override apply(inputs: unknown, options: CallOptions = {}): any {
    return super.apply(this.hasStringInputs ? treeUnflatten(this.inputStructure, this.stringInputLeaves(inputs)) : inputs, options)
  }

  /** @internal The model's input values in `inputs` order, string inputs as StringArrays (checked against the specs). */
  stringInputLeaves(inputs: unknown): unknown[] {
    const leaves = flattenAs(this.inputStructure, inputs)
    if (!leaves || leaves.length !== this.inputs.length) {
      throw new InvalidArgumentError(`Model "${this.name}" has string inputs: pass its ${this.inputs.length} input(s) in the structure of \`model.inputs\` (a list for a list). Received: inputs=${fmt(inputs)}`)
    }
    return leaves.map((v, i) => toInputValue(v, this.inputs[i]!, this.name))
  }

  /**
   * Keras `predict`. A model with string inputs predicts here, eagerly in batches of `batchSize` (its
   * string layers compute on the host, which the trainer's compiled steps cannot); others use the trainer.
   */
  override predict(x: unknown, options: Record<string, unknown> = {}): Promise<unknown> {
    return this.hasStringInputs ? predictStrings().then((p) => p(this, x, options)) : super.predict(x, options)
  }
  override predictOnBatch(x: unknown): Promise<unknown> {
    return this.hasStringInputs ? predictStrings().then((p) => p(this, x, { batchSize: Number.MAX_SAFE_INTEGER })) : super.predictOnBatch(x)
  }

  override call(inputs: unknown, options: CallOptions = {}): unknown {
    if (this.hasStringInputs && isTracing()) {
      throw new NotImplementedError(`Model "${this.name}" has string inputs, which run on the host: it cannot be traced (jit, export). Run it eagerly (\`apply\`, \`predict\`), or split the string preprocessing into its own model.`)
    }
    const flat = this.hasStringInputs ? this.stringInputLeaves(inputs) as (Tensor | StringArray)[] : treeFlatten(inputs, isTensor)[0]
    if (flat.length !== this.inputs.length) {
      throw new InvalidArgumentError(`Model "${this.name}" expects ${this.inputs.length} input(s), but it received ${flat.length} input tensors. Received: inputs=${fmt(flat.map((t) => t.shape))}`)
    }
    const values = new Map<number, Tensor | StringArray>()
    this.inputs.forEach((kt, i) => values.set(kt.id, castInput(flat[i]!, kt)))
    for (const node of this.nodes) {
      if (node.isInput) continue
      const valueOf = (kt: KerasTensor): Tensor | StringArray => {
        const v = values.get(kt.id)
        if (!v) throw new InvalidArgumentError(`Graph disconnected: cannot obtain the value of tensor ${kt.name ?? kt.id} for layer "${node.layer.name}".`)
        return v
      }
      const args = mapKerasTensors(node.callArgs, valueOf)
      const kwargs = mapKerasTensors(node.callKwargs, valueOf) as Record<string, unknown>
      const out = node.layer.apply(args, { ...kwargs, ...(options.training !== undefined ? { training: options.training } : {}) })
      const [outs] = treeFlatten(out, isTensor)
      node.outputs.forEach((kt, i) => values.set(kt.id, outs[i]!))
    }
    return treeUnflatten(this.outputStructure, this.outputs.map((kt) => values.get(kt.id)!))
  }

  override computeOutputShape(inputShape: ShapeLike): unknown {
    void inputShape
    return treeUnflatten(this.outputStructure, this.outputs.map((o) => o.symbolicShape.slice()))
  }

  /** @internal The index of a node among this model's nodes of the same layer (Keras's node key). */
  nodeIndexInModel(node: Node): number {
    return node.layer.inboundNodes.filter((n) => this.nodes.includes(n)).indexOf(node)
  }
}

// NOTE: imported on first use: only models with string inputs predict through it (see strings-predict.ts).
const predictStrings = async (): Promise<typeof import('./strings-predict.js').predictWithStrings> => (await import('./strings-predict.js')).predictWithStrings

function castInput<T extends Tensor | StringArray>(t: T, spec: KerasTensor): T {
  const s = spec.symbolicShape
  if (t.shape.length !== s.length || s.some((d, i) => d !== null && d !== t.shape[i])) {
    throw new InvalidArgumentError(`Input "${spec.name}" is incompatible with the model: expected shape ${fmt(s)}, but received input with shape ${fmt(t.shape)}.`)
  }
  return t
}

/** The leaves of `value` where `def` has leaves (whatever they are), or undefined when the structures differ. */
function flattenAs(def: TreeDef, value: unknown): unknown[] | undefined {
  if (def.kind === 'leaf') return [value]
  if (def.kind === 'none') return value === null || value === undefined ? [] : undefined
  if (def.kind === 'array') {
    if (!Array.isArray(value) || value.length !== def.children.length) return undefined
    const out: unknown[] = []
    for (let i = 0; i < value.length; i++) { const l = flattenAs(def.children[i]!, value[i]); if (!l) return undefined; out.push(...l) }
    return out
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined
  const out: unknown[] = []
  for (let i = 0; i < def.keys.length; i++) {
    if (!Object.prototype.hasOwnProperty.call(value, def.keys[i]!)) return undefined
    const l = flattenAs(def.children[i]!, (value as Record<string, unknown>)[def.keys[i]!])
    if (!l) return undefined
    out.push(...l)
  }
  return out
}

/** Replaces every KerasTensor in a nested structure. */
export function mapKerasTensors(value: unknown, fn: (kt: KerasTensor) => unknown): unknown {
  const [leaves, def] = treeFlatten(value, isTensor)
  return treeUnflatten(def, leaves.map((t) => (t instanceof KerasTensor ? fn(t) : t)))
}

/**
 * The layers of a graph in Keras's `model.layers` order (`map_graph`): by depth (the longest path to an
 * output) from the inputs down, ties by first visit in a depth-first walk from the outputs. The order
 * fixes weight order and the class-numbered paths of saved weights, so it must be Keras's.
 */
function kerasLayerOrder(inputs: readonly KerasTensor[], outputs: readonly KerasTensor[]): Layer[] {
  const index = new Map<Layer, number>()
  const postOrder: Node[] = []
  const done = new Set<Node>()
  const visit = (t: KerasTensor): void => {
    const h = historyOf(t)!
    const node = h.layer.inboundNodes[h.nodeIndex]!
    if (done.has(node)) return
    if (!index.has(h.layer)) index.set(h.layer, index.size)
    for (const x of node.inputTensors) visit(x)
    done.add(node)
    postOrder.push(node)
  }
  for (const o of outputs) visit(o)
  const nodeDepth = new Map<Node, number>()
  const layerDepth = new Map<Layer, number>()
  for (let i = postOrder.length - 1; i >= 0; i--) {
    const node = postOrder[i]!
    const depth = Math.max(nodeDepth.get(node) ?? 0, layerDepth.get(node.layer) ?? 0)
    layerDepth.set(node.layer, depth)
    nodeDepth.set(node, depth)
    for (const p of node.parentNodes()) nodeDepth.set(p, Math.max(depth + 1, nodeDepth.get(p) ?? 0))
  }
  // An input no output depends on still is a layer of the model (depth 0, first among its depth).
  for (const t of inputs) {
    const l = historyOf(t)!.layer
    if (!layerDepth.has(l)) { layerDepth.set(l, 0); index.set(l, -1) }
  }
  return [...layerDepth.keys()].sort((a, b) => (layerDepth.get(b)! - layerDepth.get(a)!) || (index.get(a)! - index.get(b)!))
}

/** Nodes reachable backwards from `outputs`, in an order where producers come first (DFS post-order). */
function topologicalNodes(outputs: readonly KerasTensor[], inputs: ReadonlySet<KerasTensor>): Node[] {
  const order: Node[] = []
  const state = new Map<Node, 'visiting' | 'done'>()
  const visit = (node: Node): void => {
    const s = state.get(node)
    if (s === 'done') return
    if (s === 'visiting') throw new InvalidArgumentError(`Cycle in the layer graph at layer "${node.layer.name}".`)
    state.set(node, 'visiting')
    for (const t of node.inputTensors) {
      const h = historyOf(t)
      if (!h) throw new InvalidArgumentError(`Graph disconnected: a tensor feeding layer "${node.layer.name}" does not come from an Input.`)
      visit(h.layer.inboundNodes[h.nodeIndex]!)
    }
    state.set(node, 'done')
    order.push(node)
  }
  for (const o of outputs) {
    const h = historyOf(o) as KerasHistory
    visit(h.layer.inboundNodes[h.nodeIndex]!)
  }
  for (const n of order) {
    if (n.isInput && !n.outputs.some((t) => inputs.has(t))) {
      throw new InvalidArgumentError(`Graph disconnected: the output depends on input "${n.layer.name}", which is not among the model's inputs.`)
    }
  }
  return order
}
