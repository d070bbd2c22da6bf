/**
 * @file Helpers shared by the callbacks: the compiled optimizer of a model, reading and setting
 * learning rates, Keras's messages (`print_msg`, `warnings.warn`) and Node's file system, loaded
 * with a dynamic `import()` so browser bundles never pull it in.
 */
import { InvalidArgumentError, fmt, tidy } from '@kx/core'
import type { Model } from '@kx/layers'
import { Optimizer } from '../optimizers/Optimizer.js'
import { LossScaleOptimizer } from '../optimizers/LossScaleOptimizer.js'
import { MultiOptimizer } from '../optimizers/MultiOptimizer.js'

/** The model a callback is attached to (a clear error when `setModel` was never called). */
export function modelOf(model: Model | undefined, who: string): Model {
  if (!model) throw new InvalidArgumentError(`${who} has no model: pass it to \`fit\`/\`evaluate\`/\`predict\` or call \`setModel(model)\` first.`)
  return model
}

/** The optimizer `compile()` set on the model (Keras `model.optimizer`), if any. */
export function optimizerOf(model: Model): Optimizer | undefined {
  const compiled = model.trainerState['compiled'] as { optimizer?: unknown } | undefined
  const opt = compiled?.optimizer ?? (model as unknown as { optimizer?: unknown }).optimizer
  return opt instanceof Optimizer ? opt : undefined
}

/** The compiled optimizer, or an error naming the callback that needs it. */
export function needOptimizer(model: Model, who: string): Optimizer {
  const opt = optimizerOf(model)
  if (!opt) throw new InvalidArgumentError(`${who} needs a compiled model: call \`model.compile({optimizer, ...})\` first. Received: model=${fmt(model.name)}`)
  return opt
}

/** The optimizers whose learning rate a callback reads or sets: a MultiOptimizer's parts, else the optimizer. */
export function lrOptimizers(opt: Optimizer): { optimizer: Optimizer; name: string | undefined }[] {
  const inner = opt instanceof LossScaleOptimizer ? opt.innerOptimizer : opt
  if (inner instanceof MultiOptimizer) return inner.optimizers.map((o) => ({ optimizer: o, name: o.name }))
  return [{ optimizer: inner, name: undefined }]
}

/** The current learning rate as a number (a schedule's value at the current step). */
export async function readLearningRate(opt: Optimizer): Promise<number> {
  const lr = opt.learningRate
  if (typeof lr === 'number') return lr
  if (typeof lr === 'function') {
    // NOTE: the callable's tensor may be the caller's own, so it is read, never freed.
    const v = lr()
    return typeof v === 'number' ? v : Number((await v.data())[0])
  }
  const t = tidy(() => opt.currentLearningRate())
  try {
    return Number((await t.data())[0])
  } finally {
    t.dispose()
  }
}

/** Keras's `io_utils.print_msg`. */
export function printMsg(message: string): void {
  console.log(message)
}

/** Keras's `warnings.warn`. */
export function warn(message: string): void {
  console.warn(message)
}

/** The part of `node:fs/promises` the callbacks use. */
export interface NodeFs {
  readFile(path: string, encoding?: 'utf8'): Promise<string & Uint8Array>
  writeFile(path: string, data: string | Uint8Array): Promise<void>
  appendFile(path: string, data: string | Uint8Array): Promise<void>
  mkdir(path: string, options: { recursive: boolean }): Promise<unknown>
  rm(path: string, options: { recursive: boolean; force: boolean }): Promise<void>
  copyFile(from: string, to: string): Promise<void>
  stat(path: string): Promise<{ isDirectory(): boolean; size: number; mtimeMs: number }>
}

/** Node's `fs/promises`; a clear error outside Node. */
export async function nodeFs(who: string): Promise<NodeFs> {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process
  if (typeof p?.versions?.node !== 'string') throw new InvalidArgumentError(`${who} writes files and needs Node.js (no file system in this environment).`)
  const spec = 'node:fs/promises'
  return (await import(/* @vite-ignore */ spec)) as NodeFs
}

/** Whether a path exists. */
export async function exists(fs: NodeFs, path: string): Promise<boolean> {
  try { await fs.stat(path); return true } catch { return false }
}

/** Joins path parts with `/` (Node accepts it on every platform). */
export function joinPath(...parts: string[]): string {
  return parts.filter((p) => p !== '').map((p, i) => (i === 0 ? p.replace(/[\\/]+$/, '') : p.replace(/^[\\/]+|[\\/]+$/g, ''))).join('/')
}

/** The folder part of a path ('' when there is none). */
export function dirName(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'))
  return i > 0 ? path.slice(0, i) : i === 0 ? path.slice(0, 1) : ''
}
