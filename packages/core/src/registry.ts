/** @file Backend registry and selection: setBackend, KX_BACKEND, ~/.kx/kx.json, else highest priority. */
import type { Backend } from './backend.js'
import { BackendMissingError, fmt } from './errors.js'
import { configFile, envVar } from './config.js'

/** Creates a backend; may be async (WASM, WebGPU adapters, ORT sessions). */
export type BackendFactory = () => Backend | Promise<Backend>

interface Entry { factory: BackendFactory; priority: number; instance?: Backend; pending?: Promise<Backend> }

// The reference backend is always present, at the lowest priority: the fallback that always works.
// NOTE: the registry does not import it. Its module hands over its factory when it loads: in Node, any
// import of `@kx/core` loads it; a bundler keeps it only when the app uses `createReferenceBackend` or
// `REFERENCE_IMPLS` (directly or through a package such as `@kx/backend-tfjs`), so an app that runs on
// another backend does not carry it. (A lazy `import()` would not help: esbuild puts a module that the
// package entry re-exports in the entry's chunks.)
let referenceFactory: (() => Backend) | undefined
/** @internal Called once by the reference backend's module when it loads. */
export function provideReferenceBackend(factory: () => Backend): void { referenceFactory = factory }
function reference(): Backend {
  if (!referenceFactory) {
    throw new BackendMissingError('The "reference" backend is not part of this bundle: nothing imports it, so the bundler left it out. Import it and register it: `registerBackend(\'reference\', createReferenceBackend, { priority: 0 })`.')
  }
  return referenceFactory()
}
const entries = new Map<string, Entry>([['reference', { factory: reference, priority: 0 }]])
let selected: string | undefined
let current: Backend | undefined
let scoped: Backend | undefined

/**
 * Runs `fn` with `backend` as the default for calls that have no tensor inputs (iota, constants).
 * Autodiff uses it so VJP rules create their helper tensors where their inputs live.
 */
export function withDefaultBackend<T>(backend: Backend | undefined, fn: () => T): T {
  const prev = scoped
  scoped = backend
  try { return fn() } finally { scoped = prev }
}

/**
 * Registers a backend factory under a name. Importing a backend package does not register it;
 * `@kx/keras` registers the defaults.
 *
 * @example
 * ```ts
 * registerBackend('tfjs-wasm', () => createTfjsBackend({ engine: 'wasm' }), { priority: 2 })
 * ```
 */
export function registerBackend(name: string, factory: BackendFactory, options: { priority?: number } = {}): void {
  const old = entries.get(name)
  if (old?.instance === current && current) current = undefined
  entries.set(name, { factory, priority: options.priority ?? 1 })
}

/** Removes a backend from the registry (closing its instance if it was created). */
export async function removeBackend(name: string): Promise<void> {
  const e = entries.get(name)
  if (!e) return
  entries.delete(name)
  if (e.instance && current === e.instance) current = undefined
  if (selected === name) selected = undefined
  await e.instance?.close?.()
}

/** Names of registered backends, highest priority first. */
export function listBackends(): string[] {
  return [...entries.entries()].sort((a, b) => b[1].priority - a[1].priority).map(([n]) => n)
}

function resolveName(): string {
  if (selected) return selected
  const env = envVar('KX_BACKEND')
  if (env) return env
  const file = configFile().backend
  if (file && entries.has(file)) return file
  const best = listBackends()[0]
  if (!best) throw new BackendMissingError('No backend is registered. Register one with `registerBackend`, or import `@kx/keras`, which registers the defaults.')
  return best
}

function entryOf(name: string): Entry {
  const e = entries.get(name)
  if (!e) {
    throw new BackendMissingError(`Unknown backend "${name}". Registered backends: ${listBackends().join(', ') || '(none)'}. Install and register it first. Received: backend=${fmt(name)}`)
  }
  return e
}

/** Initialises (once) and returns a backend by name. */
export async function initBackend(name: string): Promise<Backend> {
  const e = entryOf(name)
  if (e.instance) return e.instance
  if (!e.pending) {
    e.pending = Promise.resolve().then(() => e.factory()).then((b) => { e.instance = b; return b }, (err: unknown) => {
      e.pending = undefined
      throw new BackendMissingError(`Backend "${name}" failed to initialise: ${err instanceof Error ? err.message : String(err)}`)
    })
  }
  return e.pending
}

/**
 * Selects the active backend and waits for it to be ready.
 *
 * @example
 * ```ts
 * await setBackend('reference')
 * ```
 */
export async function setBackend(name: string): Promise<Backend> {
  const b = await initBackend(name)
  selected = name
  current = b
  return b
}

/** Waits until the selected (or default) backend is initialised, and returns it. */
export async function ready(): Promise<Backend> {
  const name = resolveName()
  const b = await initBackend(name)
  if (!selected || selected === name) current = b
  return b
}

/**
 * The active backend. Synchronous backends (like `reference`) start on first use; async ones need
 * `await ready()` first, otherwise a `BackendMissingError` says so.
 */
export function getBackend(name?: string): Backend {
  if (name === undefined && scoped) return scoped
  if (name === undefined && current) return current
  const n = name ?? resolveName()
  const e = entryOf(n)
  if (e.instance) {
    if (name === undefined) current = e.instance
    return e.instance
  }
  if (!e.pending) {
    const made = e.factory()
    if (!(made instanceof Promise)) {
      e.instance = made
      if (name === undefined) current = made
      return made
    }
    e.pending = made.then((b) => { e.instance = b; return b })
  }
  throw new BackendMissingError(`Backend "${n}" initialises asynchronously; call \`await ready()\` (or \`await setBackend("${n}")\`) before using it.`)
}

/** @internal Forgets the explicit selection (tests of env/config-file selection). */
export function resetSelectionForTests(): void {
  selected = undefined
  current = undefined
}

/** Name of the active backend (Keras `keras.backend.backend()`). */
export function backendName(): string { return getBackend().name }
