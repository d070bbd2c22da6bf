/** @file Global configuration (Keras's `keras.config`): floatx, epsilon, image data format, from `~/.kx/kx.json` and env. */
import { floatxRef } from './dtype.js'
import { InvalidArgumentError, fmt } from './errors.js'

export type FloatX = 'float16' | 'bfloat16' | 'float32' | 'float64'
export type ImageDataFormat = 'channels_last' | 'channels_first'

/** The parsed `~/.kx/kx.json` (same keys as Keras's `keras.json`). */
export interface KxConfigFile {
  backend?: string
  floatx?: FloatX
  epsilon?: number
  image_data_format?: ImageDataFormat
}

const state = { epsilon: 1e-7, imageDataFormat: 'channels_last' as ImageDataFormat, loaded: false, file: {} as KxConfigFile }

/** Reads `process.env[name]` where a process exists (Node), else undefined. */
export function envVar(name: string): string | undefined {
  const p = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
  return p?.env?.[name]
}

/** @internal Loads `~/.kx/kx.json` once (Node only; ignored in browsers or when absent/corrupt keys). */
export function configFile(): KxConfigFile {
  if (state.loaded) return state.file
  state.loaded = true
  const proc = (globalThis as { process?: { getBuiltinModule?: (m: string) => unknown } }).process
  const fs = proc?.getBuiltinModule?.('node:fs') as { readFileSync(p: string, e: string): string } | undefined
  const os = proc?.getBuiltinModule?.('node:os') as { homedir(): string } | undefined
  if (!fs || !os) return state.file
  state.file = configFileFrom(envVar('KX_HOME') ?? `${os.homedir()}/.kx`, fs)
  return state.file
}

/** @internal Parses `<dir>/kx.json` and applies its settings; `{}` when the file is absent. */
export function configFileFrom(dir: string, fsModule?: { readFileSync(p: string, e: string): string }): KxConfigFile {
  const proc = (globalThis as { process?: { getBuiltinModule?: (m: string) => unknown } }).process
  const fs = fsModule ?? (proc?.getBuiltinModule?.('node:fs') as { readFileSync(p: string, e: string): string } | undefined)
  if (!fs) return {}
  let text: string
  try { text = fs.readFileSync(`${dir}/kx.json`, 'utf8') } catch { return {} }
  let parsed: unknown
  try { parsed = JSON.parse(text) } catch {
    throw new InvalidArgumentError(`Invalid JSON in ${dir}/kx.json; fix or delete the file.`)
  }
  if (parsed === null || typeof parsed !== 'object') return {}
  const p = parsed as Record<string, unknown>
  const file: KxConfigFile = {}
  if (typeof p['backend'] === 'string') file.backend = p['backend']
  if (p['floatx'] !== undefined) { setFloatx(p['floatx'] as FloatX); file.floatx = floatx() }
  if (p['epsilon'] !== undefined) { setEpsilon(p['epsilon'] as number); file.epsilon = epsilon() }
  if (p['image_data_format'] !== undefined) { setImageDataFormat(p['image_data_format'] as ImageDataFormat); file.image_data_format = imageDataFormat() }
  return file
}

/** The default float dtype (Keras `keras.config.floatx()`). */
export function floatx(): FloatX { return floatxRef.value }
/** Sets the default float dtype. */
export function setFloatx(value: FloatX): void {
  if (!['float16', 'bfloat16', 'float32', 'float64'].includes(value)) {
    throw new InvalidArgumentError(`Unknown floatx. Expected one of float16, bfloat16, float32, float64. Received: floatx=${fmt(value)}`)
  }
  floatxRef.value = value
}
/** The fuzz factor used in numeric expressions (Keras default 1e-7). */
export function epsilon(): number { return state.epsilon }
export function setEpsilon(value: number): void {
  if (typeof value !== 'number' || !(value > 0)) throw new InvalidArgumentError(`epsilon must be a positive number. Received: epsilon=${fmt(value)}`)
  state.epsilon = value
}
/** `channels_last` (default) or `channels_first`. */
export function imageDataFormat(): ImageDataFormat { return state.imageDataFormat }
export function setImageDataFormat(value: ImageDataFormat): void {
  if (value !== 'channels_last' && value !== 'channels_first') {
    throw new InvalidArgumentError(`image_data_format must be "channels_last" or "channels_first". Received: image_data_format=${fmt(value)}`)
  }
  state.imageDataFormat = value
}
