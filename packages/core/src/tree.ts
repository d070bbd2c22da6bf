/** @file Nested structures ("pytrees") of tensors: arrays, plain objects and Maps, flattened in a stable order. */
import { InvalidArgumentError } from './errors.js'

/** A nested structure of leaves of type T. */
export type Nested<T> = T | readonly Nested<T>[] | { readonly [key: string]: Nested<T> }

/** Describes how to rebuild a structure from its leaves. */
export type TreeDef =
  | { readonly kind: 'leaf' }
  | { readonly kind: 'none' }
  | { readonly kind: 'array'; readonly children: readonly TreeDef[] }
  | { readonly kind: 'object'; readonly keys: readonly string[]; readonly children: readonly TreeDef[] }

const LEAF: TreeDef = Object.freeze({ kind: 'leaf' })
const NONE: TreeDef = Object.freeze({ kind: 'none' })

/**
 * Flattens a structure into leaves (object keys sorted, as JAX/Keras `tree.flatten`).
 *
 * @example
 * ```ts
 * const [leaves, def] = treeFlatten({ b: [x, y], a: z }, isTensor) // leaves = [z, x, y]
 * ```
 */
export function treeFlatten<T>(value: unknown, isLeaf: (v: unknown) => v is T): [T[], TreeDef] {
  // A lone leaf (the common layer call) needs no walk.
  if (isLeaf(value)) return [[value], LEAF]
  const leaves: T[] = []
  const rec = (v: unknown): TreeDef => {
    if (isLeaf(v)) { leaves.push(v); return LEAF }
    if (v === null || v === undefined) return NONE
    if (Array.isArray(v)) return { kind: 'array', children: v.map(rec) }
    if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      const keys = Object.keys(v).sort()
      return { kind: 'object', keys, children: keys.map((k) => rec((v as Record<string, unknown>)[k])) }
    }
    throw new InvalidArgumentError(`Unsupported value in a nested structure: expected tensors, arrays or plain objects. Received: ${Object.prototype.toString.call(v)}`)
  }
  const def = rec(value)
  return [leaves, def]
}

/** Rebuilds a structure from leaves (inverse of `treeFlatten`). Keys are assigned with defineProperty. */
export function treeUnflatten<T>(def: TreeDef, leaves: readonly T[]): unknown {
  if (def.kind === 'leaf') return leaves[0]
  let i = 0
  const rec = (d: TreeDef): unknown => {
    switch (d.kind) {
      case 'leaf': return leaves[i++]
      case 'none': return null
      case 'array': return d.children.map(rec)
      case 'object': {
        const o: Record<string, unknown> = {}
        d.keys.forEach((k, j) => Object.defineProperty(o, k, { value: rec(d.children[j]!), enumerable: true, writable: true, configurable: true }))
        return o
      }
    }
  }
  const out = rec(def)
  if (i !== leaves.length) throw new InvalidArgumentError(`treeUnflatten: structure has ${i} leaves, got ${leaves.length}.`)
  return out
}

/** Maps every leaf of a structure. */
export function treeMap<T, U>(value: unknown, isLeaf: (v: unknown) => v is T, fn: (leaf: T, index: number) => U): unknown {
  const [leaves, def] = treeFlatten(value, isLeaf)
  return treeUnflatten(def, leaves.map(fn))
}
