/**
 * @file The `compile_config` of `.keras` files without importing the trainers package: a trainer
 * may install hooks (`registerCompileConfigHooks`); otherwise kx writes what `model.compiled` and
 * the trainer's optimizer expose (names or Keras envelopes) and, on load, hands the config back
 * through `model.compile(...)` when a trainer is registered.
 */
import { KxError } from '@kx/core'
import type { Layer } from '../engine/Layer.js'
import { Model } from '../engine/Model.js'
import { registeredNameOf, sanitize } from '../engine/serialization.js'
import { optimizerOf } from './stateWalk.js'

/** Hooks a trainer package installs to own the compile config (Keras `get_compile_config` / `compile_from_config`). */
export interface CompileConfigHooks {
  /** Keras's compile config (snake_case keys, envelopes) of a compiled model, or null. */
  getCompileConfig(model: Model): Record<string, unknown> | null
  /** Compiles `model` from a stored compile config (and builds the optimizer so its state can load). */
  compileFromConfig(model: Model, config: Record<string, unknown>): void
}

let hooks: CompileConfigHooks | undefined
/**
 * Installs the trainer's compile-config hooks (called by `@kx/trainers`; optional).
 *
 * @example
 * ```ts
 * registerCompileConfigHooks({ getCompileConfig: (m) => ..., compileFromConfig: (m, c) => ... })
 * ```
 */
export function registerCompileConfigHooks(h: CompileConfigHooks | undefined): void { hooks = h }

function envelope(obj: unknown, module: string): unknown {
  if (obj === null || obj === undefined) return null
  if (typeof obj === 'string' || typeof obj === 'number' || typeof obj === 'boolean') return obj
  if (Array.isArray(obj)) return obj.map((o) => envelope(o, module))
  const o = obj as { className?: unknown; getConfig?: () => Record<string, unknown>; constructor?: unknown }
  if (typeof o.getConfig === 'function') {
    const className = typeof o.className === 'string' ? o.className : (o.constructor as { name?: string } | undefined)?.name ?? 'Unknown'
    const registered = registeredNameOf(o.constructor)
    return { module: registered ? registered.split('>')[0] : module, class_name: className, config: o.getConfig(), registered_name: registered }
  }
  if (typeof obj === 'function') return null
  if (typeof obj === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(obj as Record<string, unknown>)) out[k] = envelope(v, module)
    return out
  }
  return null
}

/** The compile config written into `config.json` (`{}` for an uncompiled model, as Keras writes). */
export function getCompileConfig(model: Layer): Record<string, unknown> {
  if (!(model instanceof Model) || !model.compiled) return {}
  if (hooks) return hooks.getCompileConfig(model) ?? {}
  const opts = model.compiled
  const opt = optimizerOf(model)
  return {
    optimizer: opt ? envelope(opt, 'keras.optimizers') : envelope(opts['optimizer'] ?? 'rmsprop', 'keras.optimizers'),
    loss: envelope(opts['loss'] ?? null, 'keras.losses'),
    loss_weights: envelope(opts['lossWeights'] ?? null, 'keras.losses'),
    metrics: envelope(opts['metrics'] ?? null, 'keras.metrics'),
    weighted_metrics: envelope(opts['weightedMetrics'] ?? null, 'keras.metrics'),
    run_eagerly: opts['runEagerly'] ?? false,
    steps_per_execution: opts['stepsPerExecution'] ?? 1,
    jit_compile: opts['jitCompile'] === true,
  }
}

const KEY_MAP: Readonly<Record<string, string>> = {
  optimizer: 'optimizer', loss: 'loss', metrics: 'metrics', loss_weights: 'lossWeights', weighted_metrics: 'weightedMetrics',
  run_eagerly: 'runEagerly', steps_per_execution: 'stepsPerExecution', jit_compile: 'jitCompile',
}

/**
 * Compiles a loaded model from its stored compile config. Returns false (after a warning) when no
 * trainer is registered or the config cannot be applied, like Keras's warning on a failed compile.
 */
export function applyCompileConfig(model: Layer, config: unknown, warn: (m: string) => void): boolean {
  if (!(model instanceof Model) || config === null || typeof config !== 'object' || Array.isArray(config)) return false
  const cfg = sanitize(config) as Record<string, unknown>
  if (Object.keys(cfg).length === 0) return false
  try {
    if (hooks) {
      hooks.compileFromConfig(model, cfg)
    } else {
      const args: Record<string, unknown> = {}
      for (const [k, v] of Object.entries(cfg)) {
        const key = KEY_MAP[k]
        if (key && v !== null && v !== undefined) args[key] = v
      }
      model.compile(args)
    }
  } catch (e) {
    if (!(e instanceof KxError)) throw e
    // NOTE: no trainer registered (an inference bundle): load uncompiled, silently, as asked.
    if (!hooks && /@kx\/trainers/.test(e.message)) return false
    warn(`The model was loaded but not compiled: ${e.message} Compile it manually, or load with \`compile: false\`.`)
    return false
  }
  const opt = optimizerOf(model)
  if (opt && opt.build && !opt.built && model.built) opt.build(model.trainableWeights)
  return true
}
