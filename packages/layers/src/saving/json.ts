/** @file Guarded JSON parsing for model files: size and nesting limits, typed errors naming the file. */
import { FileFormatError, fmt } from '@kx/core'
import { sanitize } from '../engine/serialization.js'
import { utf8Decode } from './io.js'

/** Largest JSON text kx parses from a model file (256 MiB). */
export const MAX_JSON_BYTES = 256 << 20

/** Parses JSON bytes or text; rejects oversize or over-deep input; drops `__proto__`-like keys. */
export function parseJson(input: Uint8Array | string, where: string, maxDepth = 200): unknown {
  const size = typeof input === 'string' ? input.length : input.byteLength
  if (size > MAX_JSON_BYTES) throw new FileFormatError(`${where} is ${size} bytes of JSON, over the ${MAX_JSON_BYTES}-byte limit.`)
  const text = typeof input === 'string' ? input : utf8Decode(input, where)
  // NOTE: a linear pre-scan bounds nesting before JSON.parse, which could exhaust the stack.
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 92) i++
      else if (c === 34) inString = false
    } else if (c === 34) inString = true
    else if (c === 123 || c === 91) {
      if (++depth > maxDepth) throw new FileFormatError(`${where}: JSON nesting deeper than ${maxDepth} levels; the file is corrupt or hostile.`)
    } else if (c === 125 || c === 93) depth--
  }
  let value: unknown
  try {
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text)
  } catch (e) {
    throw new FileFormatError(`${where} is not valid JSON (${(e as Error).message}). The file is truncated or corrupt.`)
  }
  return sanitize(value)
}

/** Requires a JSON object. */
export function expectObject(v: unknown, where: string): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new FileFormatError(`${where}: expected a JSON object. Received: ${fmt(typeof v === 'object' ? (Array.isArray(v) ? 'array' : String(v)) : v)}`)
  return v as Record<string, unknown>
}
