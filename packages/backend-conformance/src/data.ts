/** @file Seeded case data: a small deterministic PRNG, input materialisation, JSON encoding and hashing. */
import { allocTyped, castHost, isBool, isFloat, isUnsigned, sizeOf, type DType, type TypedArray } from '@kx/core'
import type { InputGen, InputSpec } from './types.js'

/**
 * FNV-1a hash of a string (32 bits), the seed of every generated array.
 *
 * @example
 * ```ts
 * hashString('exp/f32#0') // a uint32
 * ```
 */
export function hashString(s: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

/**
 * mulberry32: a tiny 32-bit PRNG; returns floats in [0, 1). Deterministic across platforms.
 *
 * @example
 * ```ts
 * const r = seededRandom(7)
 * const xs = Float32Array.from({ length: 8 }, () => r() * 2 - 1)
 * ```
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Host values of one input: row-major, stored as the dtype's host storage. */
export interface HostArray {
  readonly shape: readonly number[]
  readonly dtype: DType
  readonly values: TypedArray
}

function defaultGen(dtype: DType): InputGen {
  if (isBool(dtype)) return { kind: 'bool' }
  if (isFloat(dtype)) return { kind: 'uniform', low: -2, high: 2 }
  return isUnsigned(dtype) ? { kind: 'int', low: 0, high: 9 } : { kind: 'int', low: -5, high: 5 }
}

/** Generates matrices batch by batch over the last two dims. */
function matrices(shape: readonly number[], rand: () => number, make: (n: number, m: number, a: number[]) => number[]): number[] {
  const n = shape[shape.length - 2] ?? 1
  const m = shape[shape.length - 1] ?? 1
  const batch = sizeOf(shape) / (n * m || 1)
  const out: number[] = []
  for (let b = 0; b < batch; b++) {
    const a = Array.from({ length: n * m }, () => rand() * 2 - 1)
    out.push(...make(n, m, a))
  }
  return out
}

function generate(spec: InputSpec, rand: () => number): number[] {
  const n = sizeOf(spec.shape)
  const gen = spec.gen ?? defaultGen(spec.dtype)
  switch (gen.kind) {
    case 'uniform': return Array.from({ length: n }, () => gen.low + (gen.high - gen.low) * rand())
    case 'int': return Array.from({ length: n }, () => gen.low + Math.floor(rand() * (gen.high - gen.low + 1)))
    case 'nonzero': return Array.from({ length: n }, () => (rand() < 0.5 ? -1 : 1) * (gen.low + (gen.high - gen.low) * rand()))
    case 'bool': return Array.from({ length: n }, () => (rand() < 0.5 ? 1 : 0))
    case 'values': {
      if (gen.values.length !== n) throw new Error(`explicit values: expected ${n} values for shape [${spec.shape.join(', ')}], got ${gen.values.length}`)
      return gen.values.slice()
    }
    case 'distinct': {
      // NOTE: grid points 1/n apart with a little jitter stay distinct even after float16 rounding (n small).
      const v = Array.from({ length: n }, (_, k) => gen.low + (gen.high - gen.low) * (k + 0.5 + 0.3 * (rand() - 0.5)) / n)
      for (let i = n - 1; i > 0; i--) { const j = Math.floor(rand() * (i + 1)); [v[i], v[j]] = [v[j]!, v[i]!] }
      return v
    }
    case 'spd': return matrices(spec.shape, rand, (k, _m, a) => {
      const s: number[] = new Array(k * k).fill(0)
      for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) {
        let acc = 0
        for (let t = 0; t < k; t++) acc += a[i * k + t]! * a[j * k + t]!
        s[i * k + j] = acc / k + (i === j ? 1 : 0)
      }
      return s
    })
    case 'symmetric': return matrices(spec.shape, rand, (k, _m, a) => {
      const s: number[] = new Array(k * k).fill(0)
      for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) s[i * k + j] = a[Math.min(i, j) * k + Math.max(i, j)]! * 2
      return s
    })
    case 'diagDominant': return matrices(spec.shape, rand, (k, m, a) => a.map((x, idx) => (Math.floor(idx / m) === idx % m ? x + k + 1 : x)))
  }
}

/**
 * Materialises input `index` of a case: the same values on every run, rounded to the dtype's storage.
 *
 * @example
 * ```ts
 * const x = materialize('exp/f32', 0, { shape: [2, 3], dtype: 'float32' }) // x.values: Float32Array(6)
 * ```
 */
export function materialize(caseId: string, index: number, spec: InputSpec): HostArray {
  const rand = seededRandom(hashString(`${caseId}#${index}`))
  return { shape: spec.shape, dtype: spec.dtype, values: castHost(generate(spec, rand), spec.dtype) }
}

/** A seeded cotangent for output `index` of a case: uniform in [-1, 1), in the output dtype. */
export function cotangent(caseId: string, index: number, shape: readonly number[], dtype: DType): HostArray {
  const rand = seededRandom(hashString(`${caseId}#ct${index}`))
  return { shape, dtype, values: castHost(Array.from({ length: sizeOf(shape) }, () => rand() * 2 - 1), dtype) }
}

/** Host storage class of a dtype (what `Backend.read` must return). */
export function storageOf(dtype: DType): string { return allocTyped(dtype, 0).constructor.name }

/** JSON number encoding: non-finite values and -0 become strings ("nan", "inf", "-inf", "-0"). */
export function encodeValue(v: number): number | string {
  if (Number.isNaN(v)) return 'nan'
  if (v === Infinity) return 'inf'
  if (v === -Infinity) return '-inf'
  if (v === 0 && 1 / v < 0) return '-0'
  return v
}

/** Inverse of `encodeValue`. */
export function decodeValue(v: number | string | boolean): number {
  if (typeof v === 'number') return v
  if (typeof v === 'boolean') return v ? 1 : 0
  if (v === 'nan') return NaN
  if (v === 'inf') return Infinity
  if (v === '-inf') return -Infinity
  if (v === '-0') return -0
  return Number(v)
}

/** An array as JSON: dtype, shape and flat encoded values. */
export interface EncodedArray {
  readonly dtype: DType
  readonly shape: readonly number[]
  readonly values: readonly (number | string)[]
}

export function encodeArray(a: HostArray): EncodedArray {
  return { dtype: a.dtype, shape: [...a.shape], values: Array.from(a.values as ArrayLike<number>, encodeValue) }
}

export function decodeArray(a: EncodedArray): HostArray {
  return { dtype: a.dtype, shape: a.shape, values: castHost(a.values.map(decodeValue), a.dtype) }
}
