/** @file `graphHash`: a deterministic structural hash of a graph, the cache key of compiled graphs. */
import type { Tensor } from '../tensor.js'
import type { Variable } from '../variable.js'
import type { Graph, GraphVar } from './ir.js'
import { formatAval, isGraph } from './print.js'

/** Constants with at most this many elements are hashed by content; larger ones by shape and dtype. */
export const CONSTANT_CONTENT_HASH_LIMIT = 1024

/** Two independent 32-bit FNV-style lanes, mixed at the end: 64 bits of hash as 16 hex digits. */
class Hasher {
  private a = 0x811c9dc5
  private b = 0x2545f491
  word(x: number): void {
    this.a = Math.imul(this.a ^ (x & 0xffff), 0x01000193)
    this.a = Math.imul(this.a ^ (x >>> 16), 0x01000193)
    this.b = Math.imul(this.b ^ x, 0x5bd1e995)
    this.b ^= this.b >>> 13
  }
  str(s: string): void {
    for (let i = 0; i < s.length; i++) this.word(s.charCodeAt(i))
    this.word(0x10000 + s.length)
  }
  bytes(u8: Uint8Array): void {
    for (let i = 0; i < u8.length; i++) this.word(u8[i]!)
    this.word(0x20000 + u8.length)
  }
  digest(): string {
    let a = this.a ^ (this.b >>> 7)
    let b = this.b ^ (this.a >>> 11)
    a = Math.imul(a ^ (a >>> 16), 0x85ebca6b)
    b = Math.imul(b ^ (b >>> 13), 0xc2b2ae35)
    return (a >>> 0).toString(16).padStart(8, '0') + ((b ^ (b >>> 16)) >>> 0).toString(16).padStart(8, '0')
  }
}

const cache = new WeakMap<Graph, string>()

/** Canonical text of a parameter value: keys sorted, sub-graphs replaced by their hash. */
export function canonicalParams(v: unknown): string {
  if (isGraph(v)) return `#${graphHash(v)}`
  if (Array.isArray(v)) return `[${v.map(canonicalParams).join(',')}]`
  if (v === null || v === undefined) return 'null'
  if (typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonicalParams((v as Record<string, unknown>)[k])}`).join(',')}}`
  }
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v)
  return JSON.stringify(v)
}

function constantKey(t: Tensor): string {
  if (t.isSymbolic || t.size > CONSTANT_CONTENT_HASH_LIMIT || t.isDisposed) return 'shape-only'
  const b = t.backend
  if (!b.readSync) return 'shape-only'
  const data = b.readSync(t)
  const h = new Hasher()
  h.bytes(new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
  return h.digest()
}

/**
 * A deterministic structural hash (16 hex digits) over primitives, parameters, abstract values and
 * wiring (vars renumbered in definition order), constants (shape and dtype, plus content when small
 * and readable synchronously) and which variables are read and written (by position, not identity).
 * Two graphs traced from the same function and specs hash equal, so engines can cache compiled graphs.
 * Large constants are not hashed by content: engines caching on this hash must feed them at run time.
 *
 * @example
 * ```ts
 * graphHash(trace(f, specs)) === graphHash(trace(f, specs)) // true
 * ```
 */
export function graphHash(graph: Graph): string {
  const hit = cache.get(graph)
  if (hit) return hit
  const h = new Hasher()
  const index = new Map<number, number>()
  const def = (v: GraphVar): void => { index.set(v.id, index.size); h.str(formatAval(v.aval)) }
  const use = (v: GraphVar): void => { h.word(index.get(v.id) ?? 0x7fffffff) }
  h.str('in'); graph.inputs.forEach(def)
  h.str('const')
  for (const c of graph.constants) { def(c.var); h.str(constantKey(c.value)) }
  const variables = new Map<Variable, number>()
  const variableIndex = (v: Variable): number => {
    let i = variables.get(v)
    if (i === undefined) { i = variables.size; variables.set(v, i) }
    return i
  }
  h.str('read')
  for (const r of graph.variableReads) { def(r.var); h.word(variableIndex(r.variable)) }
  for (const eq of graph.equations) {
    h.str(eq.prim)
    h.str(canonicalParams(eq.params))
    h.word(eq.inputs.length)
    eq.inputs.forEach(use)
    h.word(eq.outputs.length)
    eq.outputs.forEach(def)
  }
  h.str('out'); graph.outputs.forEach(use)
  h.str('write')
  for (const w of graph.variableWrites) { h.word(variableIndex(w.variable)); use(w.value) }
  const d = h.digest()
  cache.set(graph, d)
  return d
}
