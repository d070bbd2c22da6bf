/**
 * @file Keras 3's object walk for weights (`saving_lib._save_state` / `_load_state`): each layer's
 * own variables live at `<path>/vars/<i>`, where the path comes from the attribute that holds the
 * layer in its parent (`layers/dense`, `layers/dense_1`, `cell`, `optimizer`): list entries are
 * named after their class in snake case, numbered per class, never after the layer's own name.
 * Loading follows Keras's failure bookkeeping, including its fallback for files saved before
 * nested containers were recorded (Keras PR 22362).
 */
import { FileFormatError, KxError, ShapeError, Variable, fmt, full, lax, tensor, tidy, type DType, type Tensor, type TypedArray } from '@kx/core'
import { Layer } from '../engine/Layer.js'
import { Functional, Model } from '../engine/Model.js'
import { Sequential } from '../engine/Sequential.js'
import { toSnakeCase } from '../engine/naming.js'
import { sameShape } from './hostData.js'

/** The optimizer state kx saves (`optimizer/vars/<i>`): any object with a name and Keras-ordered variables. */
export interface OptimizerState {
  readonly name: string
  readonly variables: readonly Variable[]
  build?(variables: readonly Variable[]): void
  readonly built?: boolean
}

/**
 * Optional hooks a layer class may define to control how Keras paths are derived for it:
 * `static kerasAttributeNames` maps a JS attribute to Keras's attribute name (default: snake case,
 * e.g. `forwardLayer` → `forward_layer`; use `'_query_dense'` for Keras's private attributes);
 * `kerasSaveChildren()` lists `[attribute, child]` pairs explicitly; `savedVariables()` lists the
 * variables stored at `<path>/vars` (default: own variables, trainable first).
 */
export interface KerasSaveHooks {
  kerasSaveChildren?(): readonly (readonly [string, unknown])[]
  savedVariables?(): readonly Variable[]
}

type Saveable = Layer | OptimizerState

/**
 * Keras's `naming.to_snake_case` (used for class-derived names in containers).
 *
 * @example
 * ```ts
 * kerasSnakeCase('Conv2DTranspose') // 'conv2d_transpose'
 * ```
 */
export function kerasSnakeCase(name: string): string {
  return name.replace(/\W+/g, '').replace(/(.)([A-Z][a-z]+)/g, '$1_$2').replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase()
}

const BASE_KEYS = new Set([
  'name', 'built', 'supportsMasking', 'inputSpec', 'dtypePolicy', 'autocast', 'batchInputShape', 'inboundNodes', 'outboundNodes', 'buildShapes',
  'compiled', 'trainerState', 'stopTraining', 'inputs', 'outputs', 'inputStructure', 'outputStructure', 'nodes',
  'batchShape', 'inputDtype', 'optional', 'output',
])

/** The optimizer of a compiled model (trainer-owned, found by shape), or null. */
export function optimizerOf(model: Layer): OptimizerState | null {
  if (!(model instanceof Model)) return null
  const compiled = model.trainerState?.['compiled'] as { optimizer?: unknown } | undefined
  const opt = compiled?.optimizer as OptimizerState | undefined
  if (opt && typeof opt === 'object' && Array.isArray(opt.variables) && typeof opt.name === 'string') {
    OPTIMIZERS.add(opt)
    return opt
  }
  return null
}
const OPTIMIZERS = new WeakSet<object>()

function isContainer(v: unknown): v is unknown[] | Map<unknown, unknown> | Record<string, unknown> {
  return Array.isArray(v) || v instanceof Map || (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype)
}
function containerItems(v: unknown[] | Map<unknown, unknown> | Record<string, unknown>): unknown[] {
  if (Array.isArray(v)) return v
  if (v instanceof Map) return [...v.values()]
  return Object.values(v)
}
const nameKey = (n: string): string => (n.startsWith('_') ? `~${n}` : n)
const join = (a: string, b: string): string => (a ? `${a}/${b}` : b)

/** The `[keras attribute name, value]` children Keras would visit, in its order. */
export function childrenOf(obj: Saveable): (readonly [string, unknown])[] {
  if (!(obj instanceof Layer)) return []
  const hooks = obj as unknown as KerasSaveHooks
  if (typeof hooks.kerasSaveChildren === 'function') return [...hooks.kerasSaveChildren()]
  const names = (obj.constructor as { kerasAttributeNames?: Readonly<Record<string, string>> }).kerasAttributeNames ?? {}
  const attrs: [string, unknown][] = []
  const isGraph = obj instanceof Sequential || obj instanceof Functional
  for (const key of Object.keys(obj)) {
    if (key.startsWith('_') || BASE_KEYS.has(key)) continue
    const value = (obj as unknown as Record<string, unknown>)[key]
    if (!(value instanceof Layer) && !isContainer(value)) continue
    const kname = Object.prototype.hasOwnProperty.call(names, key) ? names[key]! : toSnakeCase(key)
    attrs.push([kname, value])
  }
  const opt = optimizerOf(obj)
  if (opt) attrs.push(['optimizer', opt])
  // NOTE: Keras's Model (not Layer) exposes `layers`; Sequential/Functional visit it before anything else.
  if (obj instanceof Model && !isGraph) attrs.push(['layers', obj.trackedLayers()])
  attrs.sort((a, b) => (nameKey(a[0]) < nameKey(b[0]) ? -1 : nameKey(a[0]) > nameKey(b[0]) ? 1 : 0))
  return isGraph ? [['layers', obj.layers], ...attrs] : attrs
}

function isSaveable(v: unknown): v is Saveable {
  if (v instanceof Layer || (typeof v === 'object' && v !== null && OPTIMIZERS.has(v))) return true
  if (v === null || typeof v !== 'object' || isContainer(v)) return false
  const o = v as OptimizerState
  return typeof o.name === 'string' && Array.isArray(o.variables)
}

/** A LoRA-enabled layer's base weight and factors (Dense, EinsumDense, Conv: kernel; Embedding: embeddings). */
interface LoraParts { readonly base: Variable; readonly a: Variable; readonly b: Variable; readonly scale: number }

function loraOf(obj: Saveable): LoraParts | null {
  const l = obj as unknown as Record<string, unknown>
  if (!(obj instanceof Layer) || l['loraEnabled'] !== true) return null
  const base = l['kernelVar'] ?? l['embeddingsVar']
  const a = l['loraKernelA'] ?? l['loraEmbeddingsA']
  const b = l['loraKernelB'] ?? l['loraEmbeddingsB']
  if (!(base instanceof Variable) || !(a instanceof Variable) || !(b instanceof Variable)) return null
  return { base, a, b, scale: Number(l['loraAlpha']) / Number(l['loraRank']) }
}

/**
 * The variables stored for one object, in Keras order. A LoRA layer stores like Keras's
 * `save_own_variables`: its base weight first (written merged, see `savedValueOf`), then the
 * other variables (bias), and not the factors.
 */
export function savedVariablesOf(obj: Saveable): readonly Variable[] {
  if (obj instanceof Layer) {
    const hooks = obj as unknown as KerasSaveHooks
    if (typeof hooks.savedVariables === 'function') return hooks.savedVariables()
    const lora = loraOf(obj)
    if (lora) return [lora.base, ...obj.ownVariables.filter((v) => v !== lora.base && v !== lora.a && v !== lora.b)]
    return obj.ownVariables
  }
  return obj.variables
}

/**
 * The value written for a saved variable: for a LoRA layer's base weight, base + (alpha / rank)·A·B
 * (Keras saves the merged kernel), otherwise the variable's own value.
 *
 * @example
 * ```ts
 * for (const e of planSave(model)) for (const v of e.variables) await savedValueOf(e.owner, v).data()
 * ```
 */
export function savedValueOf(owner: Saveable, v: Variable): Tensor {
  const lora = loraOf(owner)
  if (!lora || v !== lora.base) return v.rawValue
  const ab = lax.dotGeneral(lora.a.rawValue, lora.b.rawValue, [[lora.a.shape.length - 1], [0]])
  const delta = lax.mul(ab, full(ab.shape.slice(), lora.scale, ab.dtype))
  return lax.convertElementType(lax.add(lax.convertElementType(v.rawValue, lora.a.dtype), lax.reshape(delta, v.shape.slice())), v.dtype)
}

/** A layer's weights as a Keras-2-style file (TF.js layers) holds them, and the LoRA factors it leaves out. */
export interface MergedWeights {
  /** `layer.weights` order, except that a LoRA layer lists its base weight (written merged) first and no factors. */
  readonly stored: readonly { readonly variable: Variable; readonly owner: Layer }[]
  /** The LoRA factors of the layer and its sub-layers (zeroed after loading, as Keras's `load_own_variables` does). */
  readonly factors: readonly Variable[]
}

/**
 * The weights a TF.js layers file stores for a layer and its sub-layers: like `.keras`, a LoRA layer
 * contributes its merged base weight (`savedValueOf`) and its other variables, not the factors.
 * Without LoRA this is `layer.weights`, in the same order.
 *
 * @example
 * ```ts
 * for (const { variable, owner } of mergedWeightsOf(layer).stored) await savedValueOf(owner, variable).data()
 * ```
 */
export function mergedWeightsOf(layer: Layer): MergedWeights {
  const stored: { variable: Variable; owner: Layer }[] = []
  const factors: Variable[] = []
  const seen = new Set<Variable>()
  const layers = new Set<Layer>()
  const visit = (l: Layer): void => {
    if (layers.has(l)) return
    layers.add(l)
    const lora = loraOf(l)
    if (lora) factors.push(lora.a, lora.b)
    for (const v of lora ? savedVariablesOf(l) : l.ownVariables) if (!seen.has(v)) { seen.add(v); stored.push({ variable: v, owner: l }) }
    for (const sub of l.trackedLayers()) visit(sub)
  }
  visit(layer)
  return { stored: stored.filter((e) => !factors.includes(e.variable)), factors }
}

/** One object of a save plan: its path, its name (the `vars` group's `name` attribute), its variables. */
export interface SaveEntry {
  readonly path: string
  readonly name: string | null
  readonly variables: readonly Variable[]
  readonly owner: Saveable
}

/**
 * Walks a model like Keras's `_save_state` and lists every object to save, in order, with its
 * path in the weights file.
 *
 * @example
 * ```ts
 * planSave(model).map((e) => e.path) // ['', 'layers/dense', 'layers/dense_1', 'optimizer']
 * ```
 */
export function planSave(root: Layer): SaveEntry[] {
  const out: SaveEntry[] = []
  const visited = new Set<unknown>()
  const visit = (obj: Saveable, path: string): void => {
    if (visited.has(obj)) return
    out.push({ path, name: typeof obj.name === 'string' ? obj.name : null, variables: savedVariablesOf(obj), owner: obj })
    visited.add(obj)
    for (const [attr, child] of childrenOf(obj)) {
      if (isSaveable(child)) visit(child, join(path, attr))
      else if (isContainer(child)) visitContainer(child, join(path, attr), new Set())
    }
  }
  const visitContainer = (c: unknown[] | Map<unknown, unknown> | Record<string, unknown>, path: string, seen: Set<unknown>): void => {
    if (seen.has(c)) return
    seen.add(c)
    const used = new Map<string, number>()
    for (const item of containerItems(c)) {
      if (isSaveable(item)) visit(item, join(path, uniqueName(kerasSnakeCase(classNameOf(item)), used)))
      else if (isContainer(item)) visitContainer(item, join(path, uniqueName('container', used)), seen)
    }
  }
  visit(root, '')
  return out
}

/** Keras names container entries after the Python class (`__class__.__name__`), which differs from the serialized name here. */
const PYTHON_CLASS_NAMES: Readonly<Record<string, string>> = { GroupQueryAttention: 'GroupedQueryAttention' }

function classNameOf(o: Saveable): string {
  const name = o instanceof Layer ? o.className : (o as { className?: string }).className ?? (o as object).constructor.name
  return Object.prototype.hasOwnProperty.call(PYTHON_CLASS_NAMES, name) ? PYTHON_CLASS_NAMES[name]! : name
}

function uniqueName(name: string, used: Map<string, number>): string {
  const n = used.get(name)
  if (n === undefined) { used.set(name, 0); return name }
  used.set(name, n + 1)
  return `${name}_${n + 1}`
}

/** Read access to a Keras weights store (`.weights.h5`, sharded, or the one inside `.keras`). */
export interface WeightsReadStore {
  /** A label for errors (file and member). */
  readonly label: string
  /** Dataset keys of `<path>/vars` (empty when absent). */
  keys(path: string): string[]
  /** Shape of `<path>/vars/<key>`, without reading it. */
  shape(path: string, key: string): number[]
  /** Reads `<path>/vars/<key>` into the host storage of `dtype`. */
  read(path: string, key: string, dtype: DType): TypedArray
  /** Whether anything is stored under `path`. */
  hasPath(path: string): boolean
}

/** Options of loading. */
export interface LoadStateOptions {
  /** Warn and keep the current values of objects whose stored state does not fit (Keras `skip_mismatch`). */
  readonly skipMismatch?: boolean
  /** Receives warnings (default `console.warn`). */
  readonly warn?: (message: string) => void
}

interface LoadCtx {
  readonly store: WeightsReadStore
  readonly skipMismatch: boolean
  readonly visited: Set<unknown>
  readonly failed: Map<unknown, { owner: Saveable; error: Error }>
  readonly warn: (m: string) => void
}

/**
 * Hooks of objects whose saved state is not a list of variables (Keras `save_own_variables` with
 * named keys, e.g. a tf_idf lookup's `idf_weights`) or lives in files (`save_assets`: vocabularies).
 */
export interface StateHooks {
  saveOwnVariables?(): Record<string, Tensor>
  loadOwnVariables?(store: Readonly<Record<string, Tensor>>): void
  saveAssets?(): Map<string, Uint8Array>
  loadAssets?(files: ReadonlyMap<string, Uint8Array>): void
}
const hooksOf = (obj: unknown): StateHooks => (obj instanceof Layer ? (obj as unknown as StateHooks) : {})

/** Named values stored for an object with a `saveOwnVariables` hook, or null (then its variables are stored by index). */
export function namedValuesOf(obj: Saveable): Record<string, Tensor> | null {
  const h = hooksOf(obj)
  return typeof h.saveOwnVariables === 'function' ? h.saveOwnVariables() : null
}

/**
 * The first object whose state lives outside its variables (assets such as an adapted vocabulary, or
 * named values), described for an error; null when variables hold everything. Keras 2 style
 * formats (legacy `.h5`, TF.js) store variables only.
 */
export function stateOutsideVariables(model: Layer): string | null {
  for (const e of planSave(model)) {
    const h = hooksOf(e.owner)
    const assets = typeof h.saveAssets === 'function' ? h.saveAssets() : null
    if (assets && assets.size) return `${(e.owner as Layer).className} "${e.owner.name}" keeps ${[...assets.keys()].join(', ')} as assets`
    const named = namedValuesOf(e.owner)
    if (named && Object.keys(named).length) return `${(e.owner as Layer).className} "${e.owner.name}" stores ${Object.keys(named).join(', ')} outside its variables`
  }
  return null
}

/** Assigns stored values to `variables` (count, shape and dtype checked before any read). */
export function loadOwnVariables(obj: Saveable, store: WeightsReadStore, path: string, warn: (m: string) => void): void {
  const h = hooksOf(obj)
  if (typeof h.loadOwnVariables === 'function') {
    // NOTE: the only named values Keras layers store are float (idf_weights); read as float32.
    const values: Record<string, Tensor> = Object.create(null) as Record<string, Tensor>
    for (const key of store.keys(path)) {
      const shape = store.shape(path, key)
      values[key] = tensor(store.read(path, key, 'float32'), { shape, dtype: 'float32' })
    }
    h.loadOwnVariables(values)
    return
  }
  const vars = savedVariablesOf(obj)
  const keys = store.keys(path)
  const where = `${store.label}:/${join(path, 'vars')}`
  if (!(obj instanceof Layer)) {
    if (keys.length !== vars.length) {
      warn(`Skipping variable loading for optimizer '${obj.name}', because it has ${vars.length} variables whereas the saved optimizer has ${keys.length} variables.${vars.length <= 2 ? ' This is likely because the optimizer has not been called/built yet.' : ''}`)
      return
    }
  } else if (keys.length !== vars.length) {
    if (vars.length === 0 && !obj.built) {
      throw new FileFormatError(`Layer '${obj.name}' was never built and thus it doesn't have any variables. However the weights file lists ${keys.length} variables for this layer (${where}). Build the layer (or give it a \`buildFromConfig\`) before loading.`)
    }
    throw new FileFormatError(`Layer '${obj.name}' expected ${vars.length} variables, but received ${keys.length} variables during loading (${where}). Expected: ${fmt(vars.map((v) => v.name))}`)
  }
  for (let i = 0; i < vars.length; i++) {
    const v = vars[i]!
    const key = String(i)
    if (!keys.includes(key)) throw new FileFormatError(`${where} has no dataset "${key}" for variable ${v.path}. Stored keys: ${fmt(keys.slice(0, 20))}`)
    const shape = store.shape(path, key)
    if (!sameShape(shape, v.shape)) {
      throw new ShapeError(`The shape of variable ${v.path} does not match the stored value ${where}/${key}. Received: variable.shape=${fmt(v.shape)}, stored shape=${fmt(shape)}`)
    }
    const data = store.read(path, key, v.dtype)
    tidy(() => v.assign(tensor(data, { shape: v.shape.slice(), dtype: v.dtype })))
  }
  // Keras's load_own_variables: the stored kernel already holds the LoRA update, so the factors restart at zero.
  const lora = loraOf(obj)
  if (lora) tidy(() => { for (const f of [lora.a, lora.b]) f.assign(full(f.shape.slice(), 0, f.dtype)) })
}

function loadState(obj: Saveable, path: string, ctx: LoadCtx): void {
  if (ctx.visited.has(obj)) return
  let failure = false
  try {
    loadOwnVariables(obj, ctx.store, path, ctx.warn)
  } catch (e) {
    if (!(e instanceof KxError)) throw e
    ctx.failed.set(obj, { owner: obj, error: e })
    failure = true
  }
  const before = ctx.failed.size
  for (const [attr, child] of childrenOf(obj)) {
    const p = join(path, attr)
    if (isSaveable(child)) loadState(child, p, ctx)
    else if (isContainer(child)) loadContainer(child, p, ctx, new Set())
  }
  const newly = ctx.failed.size - before
  if (!failure) {
    if (newly <= 0) ctx.visited.add(obj)
    ctx.failed.delete(obj)
  }
}

function loadContainer(c: unknown[] | Map<unknown, unknown> | Record<string, unknown>, path: string, ctx: LoadCtx, seen: Set<unknown>): void {
  if (seen.has(c)) return
  seen.add(c)
  const used = new Map<string, number>()
  for (const item of containerItems(c)) {
    if (isSaveable(item)) {
      loadState(item, join(path, uniqueName(kerasSnakeCase(classNameOf(item)), used)), ctx)
    } else if (isContainer(item)) {
      const nested = join(path, uniqueName('container', used))
      if (!ctx.store.hasPath(nested)) {
        // NOTE: files saved before Keras PR 22362 have no `container*` groups; their layers are found later under `layers/`.
        const tracked: LoadCtx = { ...ctx, skipMismatch: true, failed: new Map() }
        loadContainer(item, nested, tracked, seen)
        if (tracked.failed.size) {
          ctx.warn(`Skipping nested container at '${nested}': no matching group found in the saved file. This usually means the file was saved with a Keras version that did not serialize sublayers nested inside containers. Affected layers will retain their freshly-initialized weights.`)
        }
        continue
      }
      loadContainer(item, nested, ctx, seen)
    }
  }
}

/**
 * Loads a weights store into a model like Keras's `_load_state`; collects failures and raises one
 * error listing them (or warns, with `skipMismatch`).
 */
export function loadState_(root: Layer, store: WeightsReadStore, options: LoadStateOptions = {}): void {
  const warn = options.warn ?? ((m: string) => console.warn(m))
  const ctx: LoadCtx = { store, skipMismatch: options.skipMismatch ?? false, visited: new Set(), failed: new Map(), warn }
  loadState(root, '', ctx)
  if (ctx.failed.size) {
    const all = [...ctx.failed.values()]
    const first = all[0]!
    const names = all.map((f) => (f.owner instanceof Layer ? `${f.owner.className} '${f.owner.name}'` : `optimizer '${f.owner.name}'`))
    const msg = `A total of ${all.length} objects could not be loaded from ${store.label}. Example error message for ${names[0]}:\n\n${first.error.message}\n\nList of objects that could not be loaded: ${fmt(names)}`
    if (ctx.skipMismatch) { warn(msg); return }
    if (first.error instanceof ShapeError) throw new ShapeError(msg)
    throw new FileFormatError(msg)
  }
}
export { loadState_ as loadState }
